"""Headed, assisted: the window is visible (under Xvfb) and the person types in the page itself.

The test reaches the bot's own browser over the DevTools protocol, as a second pair of hands.
"""

from __future__ import annotations

import json
import sys

import pytest

from tests.bot.commands.bot_process import BotProcess
from tests.conftest import STYLES, assert_no_secret
from tests.support.devtools import devtools_browser
from tests.support.waiting import sms_code, wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb: Linux only")


@pytest.fixture
def headed_bot(tmp_path, cli_env, sandbox, demo_account, playwright, x_display):
    wrapper, port = devtools_browser(tmp_path, playwright)
    started = []

    def start(*args: str, command: str = "login", **env: str) -> BotProcess:
        bot = BotProcess(
            tmp_path,
            {
                **cli_env,
                "DAMANCOM_URL": sandbox.url,
                "DAMANCOM_IDENTIFIER": demo_account.identifier,
                "DAMANCOM_BROWSER": str(wrapper),
                "DAMANCOM_LOCAL_PAGE": "0",
                "DISPLAY": x_display,
                **env,
            },
            [command, "--headed", *args],
        )
        started.append(bot)
        return bot

    def hands(where: str = "/authentification/otp/code"):
        """The person's hands: the page the bot opened, reached over DevTools, once it shows `where`
        (the SMS may arrive before the screen asking for it)."""
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        page = wait_until(lambda: next((p for c in browser.contexts for p in c.pages if where in p.url), None))
        return browser, page

    yield start, hands
    for bot in started:
        bot.kill()


def code_field(page, style: str):
    """Where a person types the code: one field (classic), or the first of six boxes (spa: the page
    moves on to the next box by itself)."""
    return page.get_by_label("Chiffre 1 du code" if style == "spa" else "Code reçu par SMS")


@pytest.mark.parametrize("style", STYLES)
def test_person_types_code_and_password_and_clicks_valider(headed_bot, sandbox, demo_account, tmp_path, style):
    start, hands = headed_bot
    bot = start()  # no password configured: the person types it too
    code = sms_code(sandbox, bot=bot)
    browser, page = hands()
    code_field(page, style).press_sequentially(code)
    page.get_by_label("Mot de passe").press_sequentially(demo_account.password)
    page.get_by_role("button", name="Valider", exact=True).click()
    browser.close()
    assert bot.finish() == 0, bot.err
    assert "espace affilié atteint" in bot.out and "fenêtre du navigateur" in bot.out
    assert_no_secret(
        [code, demo_account.password], bot.out, bot.err, roots=(tmp_path / "recordings", tmp_path / "state")
    )


@pytest.mark.parametrize("style", STYLES)
def test_person_types_only_the_code_and_the_bot_validates(headed_bot, sandbox, demo_account, tmp_path, style):
    start, hands = headed_bot
    bot = start(DAMANCOM_PASSWORD=demo_account.password)
    code = sms_code(sandbox, bot=bot)
    browser, page = hands()
    page.get_by_label("Mot de passe").wait_for()
    page.wait_for_function("() => document.querySelector('input[type=password]').value.length > 0")  # the bot filled it
    code_field(page, style).press_sequentially(code)
    browser.close()
    assert bot.finish() == 0, bot.err
    assert "espace affilié atteint" in bot.out
    shots = sorted(p.name for p in (tmp_path / "recordings").rglob("*.png"))
    assert any(name.endswith("code-saisi.png") for name in shots)  # the bot clicked « Valider » itself


def test_due_period_leaves_the_browser_to_the_person_until_declared(
    headed_bot, sandbox, demo_account, portal, tmp_path
):
    start, hands = headed_bot
    bot = start(
        "--watch-declaration", "--result-json", str(tmp_path / "result.json"), DAMANCOM_PASSWORD=demo_account.password
    )
    code = sms_code(sandbox, bot=bot)
    browser, page = hands()
    page.get_by_label("Code reçu par SMS").press_sequentially(code)
    # the bot hands over (or has stopped: then say why at once)
    try:
        wait_until(
            lambda: "la fenêtre du navigateur est à vous" in bot.output_so_far() or bot.process.poll() is not None,
            timeout=180,
        )
    except AssertionError:
        raise AssertionError(
            f"the bot never handed over the window:\n{bot.output_so_far()}\n{bot._err_path.read_text()}"
        )
    assert bot.process.poll() is None, bot.finish() and bot.err
    due = next(p for p, declared in portal.periods(demo_account) if not declared)
    demo_account.declared.add(due)  # the person files it on the portal…
    page.reload()  # …and comes back to the interface
    browser.close()
    assert bot.finish() == 0, bot.err
    assert "la fenêtre du navigateur est à vous" in bot.out
    assert json.loads((tmp_path / "result.json").read_text())["period_state"] == "declared"
    assert list((tmp_path / "recordings").rglob("*declaration-deposee.png"))


def test_headed_filing_stops_at_confirmation_for_the_person(headed_bot, sandbox, demo_account, portal, tmp_path):
    from tests.support.declaration_files import make_file

    start, hands = headed_bot
    due = next(p for p, declared in portal.periods(demo_account) if not declared)
    path = make_file(tmp_path, demo_account, due)
    bot = start("--period", due, "--file", str(path), command="declare", DAMANCOM_PASSWORD=demo_account.password)
    code = sms_code(sandbox, bot=bot)
    browser, page = hands()
    page.get_by_label("Code reçu par SMS").press_sequentially(code)
    wait_until(lambda: "cliquez vous-même sur « Valider la déclaration »" in bot.output_so_far(), timeout=180)
    assert due not in demo_account.declared  # the bot did not click
    browser.close()
    browser, page = hands("/depot")
    page.get_by_role("button", name="Valider la déclaration").click()
    browser.close()
    assert bot.finish() == 0, bot.err
    assert f"Accusé de réception : {demo_account.receipts[due].reference}" in bot.out
