"""A portal whose firewall refuses headless browsers (sandbox fault `refuse-headless`), with the real
bot as a process: the same run goes on in a visible window (under Xvfb), one SMS in all, the
browser's own User-Agent; later runs open the window directly; without a window, exit 10."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.run import browser as browsers
from bot.run.lockout import portal_key
from bot.run.window_memory import FILE
from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import HEADLESS_MARK, Faults
from bot.settings.config import Settings
from tests.bot.commands.bot_process import BotProcess
from tests.conftest import STYLES, TEST_SMS_DELAY

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb: Linux only")


@pytest.fixture
def refusing(tmp_path, cli_env, playwright):
    """(portal, faults, run): a sandbox refusing headless browsers, and `run(style_env)` a login by the bot."""
    portal, faults = Portal(), Faults("refuse-headless")
    account = portal.accounts["PHARMA-DEMO"]
    choice = browsers.choose(None, managed_path=playwright.chromium.executable_path)
    own = choice.value if choice.how == "executable" else playwright.chromium.executable_path

    def run(sandbox, **extra: str) -> BotProcess:
        env = {
            **cli_env,
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": account.identifier,
            "DAMANCOM_PASSWORD": account.password,
            "DAMANCOM_LOCAL_PAGE": "0",
            "DAMANCOM_BROWSER": own,
            "DAMANCOM_TIMEOUT_ACTION": "10",
            **extra,
        }
        bot = BotProcess(tmp_path, env, ["login"], stdin=subprocess.PIPE)
        portal.outbox.listeners.append(lambda message: bot.type(message.code))
        try:
            bot.finish(timeout=240)
        finally:
            bot.kill()
            portal.outbox.listeners.clear()
        return bot

    return portal, faults, account, run


@linux_only
@pytest.mark.parametrize("style", STYLES)
def test_refused_headless_goes_on_in_a_window_and_later_runs_open_one(refusing, tmp_path, x_display, style):
    portal, faults, account, run = refusing
    with Sandbox(portal, faults=faults, style=style, sms_delay=TEST_SMS_DELAY) as sandbox:
        first = run(sandbox, DISPLAY=x_display)
        assert first.process.returncode == 0, first.err
        said = first.out + first.err
        assert "refuse les navigateurs invisibles" in said and "fenêtre visible" in said
        assert len(portal.outbox.all()) == 1  # the refusal came before the SMS: one code in all
        refused = [a for a in faults.agents if HEADLESS_MARK in a]
        accepted = [a for a in faults.agents if HEADLESS_MARK not in a]
        assert refused and accepted
        # Never disguised: the window's User-Agent is the same browser's, only not headless.
        assert {a.replace(HEADLESS_MARK, "Chrome") for a in refused} == set(accepted)
        key = portal_key(Settings(url=sandbox.url, identifier=account.identifier))
        memory = json.loads((tmp_path / "state" / FILE).read_text(encoding="utf-8"))
        assert memory[key]["reference"] in faults.refused

        refusals = len(faults.refused)
        second = run(sandbox, DISPLAY=x_display)
        assert second.process.returncode == 0, second.err
        assert "ouvre directement une fenêtre visible" in second.out + second.err
        assert len(faults.refused) == refusals  # no headless try at all this time
        assert len(portal.outbox.all()) == 2


def test_headless_asked_by_the_person_wins_and_ends_with_what_to_do(refusing, tmp_path):
    portal, faults, _, run = refusing
    with Sandbox(portal, faults=faults, sms_delay=0) as sandbox:
        bot = run(sandbox, DAMANCOM_HEADLESS="1")
    assert bot.process.returncode == 10, bot.err
    assert "DAMANCOM_HEADLESS" in bot.err and "ne réessaiera pas seul" in bot.err
    assert [a for a in faults.agents if HEADLESS_MARK not in a] == []  # no window was opened
    assert portal.outbox.all() == []
    assert not list((tmp_path / "recordings").rglob("*-instantane.json"))  # a refusal read is no surprise


class _RefusingAfterHome(BaseHTTPRequestHandler):
    """A home page whose way in leads to a firewall's refusal (the portal itself answers the home)."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        if self.path == "/":
            status, body = (
                200,
                ("<html lang='fr'><body><h1>Damancom</h1><a href='/otp'>S'authentifier avec OTP</a></body></html>"),
            )
        else:
            status, body = (
                403,
                (
                    "<html><body>The requested URL was rejected. Please consult with your administrator."
                    "<br>Your support ID is: 9876543210123</body></html>"
                ),
            )
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_a_firewall_page_after_a_step_is_a_refusal_not_a_changed_screen(run_cli, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RefusingAfterHome)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_cli(
            "login",
            env={
                "DAMANCOM_URL": f"http://127.0.0.1:{server.server_address[1]}/",
                "DAMANCOM_IDENTIFIER": "PHARMA-DEMO",
                "DAMANCOM_PASSWORD": "Secret-2026",
            },
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 10, result.stderr  # the shared browser is remote: no window here
    assert "9876543210123" in result.stderr and "DAMANCOM_BROWSER" in result.stderr
    assert json.loads((tmp_path / "state" / FILE).read_text(encoding="utf-8"))  # remembered for later runs
