"""The person, played by a test: reading an SMS, walking a portal by hand."""

from __future__ import annotations

from tests import foreign_hurdles


class TestPerson:
    """What the flows ask of a person (flows/login.py: Person), answered the simplest way; a test's
    person overrides what it plays. Nobody answers a portal's question (None)."""

    __test__ = False  # a helper, not a test class
    code_via = "test"

    def before_sms(self) -> None:
        pass

    def sms_sent(self) -> None:
        pass

    def code_screen_shown(self, phone: str | None) -> None:
        pass

    def question(self, picture, prompt: str, typed_in_page=None) -> str | None:
        return None

    def eid_waiting(self, qr) -> None:
        pass


class CodeFrom(TestPerson):
    """A person reading the SMS the foreign portal sent; `wrong_first` mistypes the first code."""

    def __init__(self, portal, wrong_first: bool = False):
        self.portal, self.wrong_first, self.asked = portal, wrong_first, []
        self.portal.codes = getattr(portal, "codes", [])
        self.portal.code_sent = getattr(portal, "code_sent", None)

    def code(self, screen, *, again: bool = False) -> str:
        assert self.portal.code_sent.wait(10)
        self.asked.append(again)
        code = self.portal.codes[-1]
        return f"{(int(code) + 1) % 10**6:06d}" if self.wrong_first and not again else code


def walk_by_hand(page, portal, open_first: bool = True) -> None:
    """What the person does in the visible browser."""
    if open_first:
        page.goto(portal.url)
    page.get_by_role("link", name="S'authentifier avec OTP").click()
    page.get_by_text("Employeur", exact=True).click()  # the extra screen: a profile choice
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Identifiant").fill(foreign_hurdles.IDENTIFIER)
    page.get_by_role("button", name="Recevoir le code par SMS").click()
    assert portal.code_sent.wait(10)
    page.get_by_label("Code reçu par SMS").fill(portal.codes[-1])
    page.get_by_label("Mot de passe").fill(foreign_hurdles.PASSWORD)
    page.get_by_role("button", name="Valider").click()
    page.get_by_text("Déconnexion").wait_for()
