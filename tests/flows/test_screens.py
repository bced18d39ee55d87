"""Each page object against the sandbox: it recognises its screen, acts, and the flow's table
says what may come next."""

from __future__ import annotations

import pytest

from bot.errors import UnexpectedPage
from flows import portal_map as flow_table
from flows.code_password import CodePasswordScreen
from flows.engine.step import act, go, wait_for
from flows.home import HomeScreen
from flows.identifier import IdentifierScreen
from flows.interface import DECLARED, TO_DECLARE, InterfaceScreen
from flows.login import logout
from flows.portal import open_portal
from tests.conftest import STYLES
from tests.support.screens import to_code, to_identifier

pytestmark = pytest.mark.parametrize("style", STYLES)


def test_home_recognises_itself_and_leads_to_identifier(flow, sandbox):
    home = open_portal(flow, sandbox.url, flow_table.AFTER_OPEN)
    assert isinstance(home, HomeScreen) and home.is_here()
    assert not IdentifierScreen(flow).is_here()
    assert isinstance(go(flow, home.choose_otp, home, flow_table.AFTER_OTP_CHOICE, "OTP"), IdentifierScreen)


def test_wrong_screen_raises_unexpected_page_with_screenshot(flow, sandbox):
    flow.page.goto(sandbox.url + "authentification/otp")
    with pytest.raises(UnexpectedPage) as caught:
        wait_for(flow, [HomeScreen])
    error = caught.value
    assert error.expected == "page d'accueil"
    assert error.url.endswith("/fr/authentification/otp") and error.title.startswith("Authentification")
    assert error.screenshot.is_file() and error.screenshot.name.endswith("echec-home.png")
    assert error.exit_code == 6 and "page d'accueil" in error.message


def test_identifier_screen_is_not_mistaken_for_code_screen(flow, sandbox, demo_account):
    screen = to_identifier(flow, sandbox)
    assert screen.is_here() and not CodePasswordScreen(flow).is_here()
    code_screen = to_code(flow, sandbox, demo_account.identifier)
    assert isinstance(code_screen, CodePasswordScreen)
    assert code_screen.is_here() and not IdentifierScreen(flow).is_here()
    assert len(sandbox.outbox.all()) == 1  # sent by the identifier step only


def test_unknown_identifier_comes_back_with_the_portals_message(flow, sandbox):
    screen = to_identifier(flow, sandbox)
    screen.fill_identifier("NOBODY")
    after = act(flow, screen.send, expect=flow_table.AFTER_IDENTIFIER, current=screen)
    assert isinstance(after.screen, IdentifierScreen)
    assert "Identifiant inconnu" in after.message
    assert sandbox.outbox.all() == []


def test_code_screen_reports_refusal_kind(flow, sandbox, demo_account):
    code_screen = to_code(flow, sandbox, demo_account.identifier)
    code = sandbox.outbox.all()[-1].code
    code_screen.fill(code, "not-the-password")
    after = act(flow, code_screen.send, expect=flow_table.AFTER_VALIDER, current=code_screen)
    assert isinstance(after.screen, CodePasswordScreen)
    assert "Mot de passe incorrect. Il vous reste 2 essai(s)." in after.message
    assert after.screen.refusal(after.message) == "wrong_password"
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    after.screen.fill(wrong, demo_account.password)
    again = act(flow, after.screen.send, expect=flow_table.AFTER_VALIDER, current=after.screen)
    assert again.screen.refusal(again.message) == "wrong_code"


def test_interface_summary_reads_employer_and_periods(flow, sandbox, demo_account, portal):
    code_screen = to_code(flow, sandbox, demo_account.identifier)
    code_screen.fill(sandbox.outbox.all()[-1].code, demo_account.password)
    interface = go(flow, code_screen.send, code_screen, flow_table.AFTER_VALIDER, "Valider")
    assert isinstance(interface, InterfaceScreen)
    summary = interface.summary()
    assert summary.employer == "Pharmacie Al Amal" and summary.affiliation == "1234567"
    expected = [(f"{p[5:]}/{p[:4]}", DECLARED if done else TO_DECLARE) for p, done in portal.periods(demo_account)]
    assert summary.periods == expected
    assert logout(flow, interface)
    assert HomeScreen(flow).is_here()
