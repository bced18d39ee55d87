"""Home page: « S'authentifier avec OTP » / « S'authentifier avec e-ID »."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError

from bot.errors import PortalUnavailable
from flows.screen import Screen, wait_for_any


class HomeScreen(Screen):
    name = "home"

    def open(self, url: str) -> "HomeScreen":
        try:
            self.page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            self.ctx.stop_loading()
            shot = self.ctx.recorder.try_screenshot(self.page, "portail-injoignable")
            first_line = str(exc).splitlines()[0]
            raise PortalUnavailable(
                f"Le portail {url} ne répond pas ({first_line}). Vérifiez la connexion Internet ; "
                "si elle fonctionne, le portail est surchargé : réessayez plus tard, de préférence le soir.",
                screenshot=shot, transient=True) from None
        screen = wait_for_any(self.ctx, [HomeScreen])
        screen.shot("accueil")
        return screen

    def choose_otp(self):
        from flows.identifier import IdentifierScreen

        self.submit(self.find("otp_button"), self.page.locator("body"))
        return wait_for_any(self.ctx, [IdentifierScreen])

    def choose_eid(self):
        from flows.eid import EidScreen

        self.submit(self.find("eid_button"), self.page.locator("body"))
        return wait_for_any(self.ctx, [EidScreen])
