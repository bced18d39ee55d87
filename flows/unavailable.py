"""Pages shown instead of the portal's screens: « down / overloaded / maintenance » (the run ends as
unavailable), and the refusal pages of what stands in front of it (`selectors/refusal.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError

from flows.engine.screen import Screen

_TEXT_LIMIT = 4000  # characters of a refusal page worth reading: its message is at the top
# The words of a page given as HTML (never run: DOMParser executes no script).
_TEXT_OF = """(html) => {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll('script, style, template').forEach((e) => e.remove());
  return [doc.title, doc.body ? doc.body.textContent : ''].join(' ').trim();
}"""


class UnavailableScreen(Screen):
    name = "unavailable"

    def text(self) -> str:
        return " ".join(self.find("notice").inner_text().split())


@dataclass(frozen=True)
class Refusal:
    kind: str | None  # "firewall", "abroad", "maintenance" (selectors/refusal.yaml), None: not said
    text: str  # the page's words, shortened
    reference: str = ""  # the number the page gives for the portal's support
    headless: bool = False  # the refused browser announced itself as headless (its own User-Agent)

    def quoted(self, limit: int = 160) -> str:
        return self.text if len(self.text) <= limit else self.text[: limit - 1].rstrip() + "…"


class RefusalPage(Screen):
    """Read, never acted on: which kind of refusal the page says, and its reference number."""

    name = "refusal"

    def read(self, html: str | None = None) -> Refusal:
        """The page on display, or `html`: a page answered to a background request."""
        text = self._text() if html is None else self._text_of(html)
        reference = ""
        for pattern in self.spec.facts.get("reference", []):
            match = re.search(pattern, text, re.IGNORECASE)
            if match:
                reference = match.group(1)
                break
        return Refusal(self.classify(text), text, reference, is_headless(self.page))

    def _text(self) -> str:
        try:
            text = self.page.evaluate("() => (document.body && document.body.innerText.trim()) || document.title || ''")
        except PlaywrightError:
            return ""
        return " ".join(str(text)[:_TEXT_LIMIT].split())

    def _text_of(self, html: str) -> str:
        try:
            text = self.page.evaluate(_TEXT_OF, html[: _TEXT_LIMIT * 4])
        except PlaywrightError:
            return ""
        return " ".join(str(text)[:_TEXT_LIMIT].split())


def is_headless(page) -> bool:
    """What a firewall sees: the browser's own User-Agent (never changed by the bot)."""
    try:
        return "HeadlessChrome" in page.evaluate("() => navigator.userAgent")
    except PlaywrightError:
        return False
