"""Home page, and the login choice: « S'authentifier avec OTP » / « S'authentifier avec e-ID »."""

from __future__ import annotations

from flows.screen import Screen


class HomeScreen(Screen):
    name = "home"

    def choose_otp(self) -> None:
        self.press(self.find("otp_button"), self.page.locator("body"), "S'authentifier avec OTP")

    def choose_eid(self) -> None:
        self.press(self.find("eid_button"), self.page.locator("body"), "S'authentifier avec e-ID")


class EntryScreen(Screen):
    """A home page that does not show the login choice yet, only a way in (« Mon compte »…)."""

    name = "entry"

    def wording(self) -> str:
        """What the way in says (« Mon compte »…), for the audit trail."""
        link = self.find("entry")
        return " ".join(link.inner_text().split()) or link.get_attribute("aria-label") or "?"

    def enter(self) -> None:
        link = self.find("entry")
        self.press(link, link, "Mon compte")
