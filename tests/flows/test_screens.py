"""Each page object against the sandbox: it recognises its screen, acts, and refuses the wrong one."""

from __future__ import annotations

import pytest

from bot.errors import CredentialsRejected, UnexpectedPage
from flows.code_password import CodePasswordScreen
from flows.home import HomeScreen
from flows.identifier import IdentifierScreen
from flows.interface import DECLARED, TO_DECLARE, InterfaceScreen
from flows.screen import wait_for_any


def test_home_recognises_itself_and_leads_to_identifier(flow, sandbox):
    home = HomeScreen(flow).open(sandbox.url)
    assert home.is_here()
    assert not IdentifierScreen(flow).is_here()
    assert isinstance(home.choose_otp(), IdentifierScreen)
    assert [p.name for p in flow.recorder.shots] == ["02-accueil.png"]


def test_wrong_screen_raises_unexpected_page_with_screenshot(flow, sandbox):
    flow.page.goto(sandbox.url + "authentification/otp")
    with pytest.raises(UnexpectedPage) as caught:
        HomeScreen(flow).wait_here()
    error = caught.value
    assert error.expected == "page d'accueil"
    assert error.url.endswith("/fr/authentification/otp") and error.title == "Authentification - Damancom"
    assert error.screenshot.is_file() and error.screenshot.name.endswith("echec-home.png")
    assert error.exit_code == 6 and "page d'accueil" in error.message


def test_identifier_screen_is_not_mistaken_for_code_screen(flow, sandbox, demo_account):
    screen = HomeScreen(flow).open(sandbox.url).choose_otp()
    assert screen.is_here() and not CodePasswordScreen(flow).is_here()
    code_screen = screen.submit_identifier(demo_account.identifier)
    assert isinstance(code_screen, CodePasswordScreen)
    assert code_screen.is_here() and not IdentifierScreen(flow).is_here()
    assert len(sandbox.outbox.all()) == 1


def test_unknown_identifier_is_rejected_with_portal_message(flow, sandbox):
    screen = HomeScreen(flow).open(sandbox.url).choose_otp()
    with pytest.raises(CredentialsRejected, match="Identifiant inconnu") as caught:
        screen.submit_identifier("NOBODY")
    assert caught.value.exit_code == 5 and caught.value.screenshot.is_file()
    assert sandbox.outbox.all() == []


def test_code_screen_reports_refusal_kind(flow, sandbox, demo_account):
    code_screen = HomeScreen(flow).open(sandbox.url).choose_otp().submit_identifier(demo_account.identifier)
    code = sandbox.outbox.all()[-1].code
    after = code_screen.validate(code, "not-the-password")
    assert isinstance(after, CodePasswordScreen)
    assert after.refusal() == ("wrong_password", "Mot de passe incorrect. Il vous reste 2 essai(s).")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert after.validate(wrong, demo_account.password).refusal()[0] == "wrong_code"


def test_interface_summary_reads_employer_and_periods(flow, sandbox, demo_account, portal):
    code_screen = HomeScreen(flow).open(sandbox.url).choose_otp().submit_identifier(demo_account.identifier)
    interface = code_screen.validate(sandbox.outbox.all()[-1].code, demo_account.password)
    assert isinstance(interface, InterfaceScreen)
    summary = interface.summary()
    assert summary.employer == "Pharmacie Al Amal" and summary.affiliation == "1234567"
    expected = [(f"{p[5:]}/{p[:4]}", DECLARED if done else TO_DECLARE) for p, done in portal.periods(demo_account)]
    assert summary.periods == expected
    assert interface.logout()
    assert isinstance(wait_for_any(flow, [HomeScreen]), HomeScreen)
