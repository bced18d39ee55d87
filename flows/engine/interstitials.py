"""Cookie banners and announcement modals laid over a screen: closed, and noted in the audit trail.

An overlay that holds a text field is left alone: it may be the login form itself or a question
for the person (a captcha), which the bot never answers by itself."""

from __future__ import annotations

from pathlib import Path

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from flows.engine import locate, selectors_data

_FIELDS = (
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), "
    "textarea, select"
)


class Interstitials:
    def __init__(self, page: Page, recorder, folder: Path | None = None, name: str = "interstitials"):
        self.page, self.recorder = page, recorder
        self.spec = selectors_data.load(name, folder)
        self._overlays = locate.any_of_all(page, self.spec.elements["overlay"])
        self.closed: list[str] = []

    def dismiss(self) -> bool:
        """Closes what can be closed now; True when something was closed."""
        try:
            count = self._overlays.count()
        except PlaywrightError:
            return False
        closed = False
        for index in range(min(count, 3)):
            overlay = self._overlays.nth(index)
            try:
                if not overlay.is_visible() or overlay.locator(_FIELDS).filter(visible=True).count():
                    continue
                button = self._close_button(overlay)
                if button is None:
                    continue
                text = " ".join(overlay.inner_text(timeout=2000).split())[:160]
                name = " ".join(button.inner_text(timeout=2000).split()) or button.get_attribute("aria-label") or "×"
                self.recorder.screenshot(self.page, "annonce")
                button.click(timeout=5000)
                overlay.wait_for(state="hidden", timeout=5000)
            except PlaywrightError as exc:
                logger.debug("Fenêtre non fermée : {}", str(exc).splitlines()[0])
                continue
            self.recorder.record("annonce-fermee", url=self.page.url, overlay=text, button=name)
            logger.info("Fenêtre « {} » fermée (bouton « {} »).", text[:60], name)
            self.closed.append(text)
            closed = True
        return closed

    def _close_button(self, overlay):
        for strategy in self.spec.elements["close"]:
            found = locate.build(overlay, strategy).filter(visible=True)
            if found.count() >= 1:
                return found.first
        return None
