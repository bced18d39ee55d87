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


# For each element: is something else drawn over its centre (another overlay on top of it)? A click
# there would land on what covers it: the one on top is closed first.
_COVERED = """els => els.map(e => {
  const r = e.getBoundingClientRect();
  if (!r.width || !r.height) return false;
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!top && !e.contains(top) && !top.contains(e);
})"""


class Interstitials:
    def __init__(self, page: Page, recorder, folder: Path | None = None, name: str = "interstitials"):
        self.page, self.recorder = page, recorder
        self.spec = selectors_data.load(name, folder)
        self._overlays = locate.any_of_all(page, self.spec.elements["overlay"])
        self.closed: list[str] = []

    def dismiss(self) -> bool:
        """Closes what can be closed now; True when something was closed."""
        try:  # one look at the page: how many overlays, and which lie under another
            covered = self._overlays.evaluate_all(_COVERED)
        except PlaywrightError:
            return False
        closed = False
        for index in sorted(range(len(covered)), key=covered.__getitem__)[:3]:  # those on top first
            overlay = self._overlays.nth(index)
            try:
                if not overlay.is_visible() or overlay.locator(_FIELDS).filter(visible=True).count():
                    continue
                button = self._close_button(overlay)
                if button is None or _covered(button):  # under another overlay that could not be closed
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


def _covered(element) -> bool:
    try:
        return element.evaluate(f"e => ({_COVERED})([e])[0]")
    except PlaywrightError:
        return False
