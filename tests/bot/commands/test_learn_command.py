"""`damancom-bot learn` as a real process in a visible window (Xvfb): the test's hands walk a portal
with an extra profile screen over DevTools; the command writes what it learned."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from tests import foreign_hurdles
from tests.bot.commands.bot_process import BotProcess
from tests.conftest import assert_no_secret
from tests.support.devtools import devtools_browser
from tests.support.people import walk_by_hand
from tests.support.waiting import wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb: Linux only")


def test_learn_writes_selector_files_from_the_persons_walk(tmp_path, cli_env, playwright, x_display):
    wrapper, port = devtools_browser(tmp_path, playwright)
    with foreign_hurdles.ForeignHurdlesPortal(profile_step=True) as portal:
        bot = BotProcess(
            tmp_path,
            {**cli_env, "DAMANCOM_BROWSER": str(wrapper), "DISPLAY": x_display},
            ["learn", "--url", portal.url],
        )
        try:
            wait_until(lambda: "Faites la connexion vous-même" in bot.output_so_far(), timeout=60)
            browser = wait_until(lambda: _connect(playwright, port), timeout=30)
            page = wait_until(lambda: _home_page(browser))
            page.get_by_role("link", name="S'authentifier avec OTP").wait_for()  # opened by the bot
            walk_by_hand(page, portal, open_first=False)
            code = bot.finish(timeout=120)
            browser.close()
        finally:
            bot.kill()
    assert code == 0, bot.err
    learned = Path(cli_env["DAMANCOM_STATE_DIR"]) / "selecteurs-appris"
    assert "Appris :" in bot.out and "2 étape(s) supplémentaire(s)" in bot.out
    steps = yaml.safe_load((learned / "etapes-apprises.yaml").read_text(encoding="utf-8"))["after_otp_choice"]
    assert [s["click"][0]["name"] for s in steps] == ["Employeur", "Continuer"]
    assert_no_secret(
        [foreign_hurdles.PASSWORD, *portal.codes], bot.out, bot.err, roots=(learned, tmp_path / "recordings")
    )


def _home_page(browser):
    # a round trip first: the sync API dispatches the events that came meanwhile (a page opened
    # after we connected) only while it talks to the browser, never during the poll's sleep
    browser.new_browser_cdp_session().detach()
    return next((p for c in browser.contexts for p in c.pages if "accueil" in p.url), None)


def _connect(playwright, port):
    try:
        return playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
    except Exception:  # noqa: BLE001 - not listening yet
        return None
