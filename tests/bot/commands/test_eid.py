"""e-ID: the portal shows a QR code; the person approves on the phone (simulated), or does not. The
bot runs in this process (`InProcessLogin`); the person's `sandbox approve` is a real process."""

from __future__ import annotations

import threading

import pytest

from tests.bot.commands.bot_process import InProcessLogin
from tests.conftest import STYLES
from tests.support.inbox import Inbox
from tests.support.waiting import wait_until


def start_eid(tmp_path, cli_env, sandbox, **env) -> InProcessLogin:
    return InProcessLogin(
        tmp_path,
        {**cli_env, "DAMANCOM_URL": sandbox.url, "DAMANCOM_AUTH": "eid", "DAMANCOM_ACCOUNT": "PHARMA-DEMO", **env},
        ["login"],
    )


@pytest.mark.parametrize("style", STYLES)
def test_eid_approved_with_the_sandbox_command(tmp_path, cli_env, sandbox, portal, style):
    inbox = Inbox()
    threading.Thread(target=inbox.serve_forever, daemon=True).start()
    bot = start_eid(tmp_path, cli_env, sandbox, DAMANCOM_NOTIFY=inbox.url)
    try:
        wait_until(lambda: inbox.received)  # notified, QR attached, before anyone approves
        assert portal.pending_eid()
        approve = bot.cli("sandbox", "approve", "--url", sandbox.url)
        assert approve.returncode == 0 and "1 demande(s) e-ID approuvée(s)" in approve.stdout
        assert bot.finish() == 0, bot.err
    finally:
        bot.kill()
        inbox.shutdown()
        inbox.server_close()
    assert "Identité Numérique" in bot.out and "espace affilié atteint" in bot.out
    notice = inbox.received[0]
    assert notice["title"] == "Damancom : approuvez la connexion e-ID"
    assert notice["attachments"][0]["filename"].endswith("-qr-eid.png")
    assert list((tmp_path / "recordings").rglob("*eid-code-qr.png"))


def test_eid_approved_from_the_phone_page(tmp_path, cli_env, sandbox, portal, page):
    bot = start_eid(tmp_path, cli_env, sandbox, DAMANCOM_LOCAL_PAGE="0")
    try:
        wait_until(portal.pending_eid)
        page.goto(sandbox.url.replace("/fr/", "/_sandbox/eid"))
        page.get_by_role("button", name="Approuver").click()
        page.get_by_text("Connexion approuvée.").wait_for()
        assert bot.finish() == 0, bot.err
    finally:
        bot.kill()


def test_eid_not_approved_in_time_is_exit_3(tmp_path, cli_env, sandbox, portal):
    bot = start_eid(tmp_path, cli_env, sandbox, DAMANCOM_CODE_WAIT="3")
    assert bot.finish() == 3, bot.err
    assert "La connexion e-ID n'a pas été approuvée dans le délai" in bot.err
    assert list((tmp_path / "recordings").rglob("*eid-non-approuve.png"))
