"""Headed, assisted, on the single-page sandbox: the person types the code digit by digit into the
six boxes of the visible window (auto-advance), as people do."""

from __future__ import annotations

import pytest

from tests.bot.commands.test_handover_headed import headed_bot  # noqa: F401 - the fixture
from tests.support.waiting import sms_code
from tests.conftest import assert_no_secret

pytestmark = pytest.mark.parametrize("style", ["spa"])


def test_person_types_the_code_in_the_digit_boxes_and_the_bot_validates(headed_bot, sandbox, demo_account,
                                                                        tmp_path, style):
    start, hands = headed_bot
    bot = start(DAMANCOM_PASSWORD=demo_account.password)
    code = sms_code(sandbox)
    browser, page = hands("/fr/")
    page.get_by_label("Chiffre 1 du code").wait_for()
    page.wait_for_function("() => document.querySelector('input[type=password]').value.length > 0")
    page.get_by_label("Chiffre 1 du code").press_sequentially(code)  # the page moves to the next box
    browser.close()
    assert bot.finish() == 0, bot.err
    assert "espace affilié atteint" in bot.out
    assert any(p.name.endswith("code-saisi.png") for p in (tmp_path / "recordings").rglob("*.png"))
    assert_no_secret([code, demo_account.password], bot.out, bot.err,
                     roots=(tmp_path / "recordings", tmp_path / "state"))


def test_person_types_everything_and_clicks_valider(headed_bot, sandbox, demo_account, tmp_path, style):
    start, hands = headed_bot
    bot = start()  # no password configured: the person types it too
    code = sms_code(sandbox)
    browser, page = hands("/fr/")
    page.get_by_label("Chiffre 1 du code").press_sequentially(code)
    page.get_by_label("Mot de passe").press_sequentially(demo_account.password)
    page.get_by_role("button", name="Valider", exact=True).click()
    browser.close()
    assert bot.finish() == 0, bot.err
    assert "espace affilié atteint" in bot.out and "fenêtre du navigateur" in bot.out
    assert_no_secret([code, demo_account.password], bot.out, bot.err,
                     roots=(tmp_path / "recordings", tmp_path / "state"))
