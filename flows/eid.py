"""e-ID screen: the portal shows a QR code and waits for approval in the « Identité Numérique » app."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from flows.engine.screen import Screen


class EidScreen(Screen):
    name = "eid"

    def save_qr(self) -> Path | None:
        """The QR code alone, as an image a notification can carry."""
        qr = self.find_optional("qr")
        if qr is None:
            return None
        try:
            return self.ctx.recorder.element_screenshot(qr, "qr-eid")
        except PlaywrightError:
            return None
