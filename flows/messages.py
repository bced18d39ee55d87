"""Portal messages wherever they appear: alert boxes, toasts, live regions, error-ish classes, or
any visible text that appeared after an action. Read in one round trip."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from flows import selectors_data

_SEEN = "data-damancom-vu"

# Tags every message element with the text it shows now; returns the page's visible lines.
_MARK = """(sel) => {
  for (const e of document.querySelectorAll(sel)) e.setAttribute('%(seen)s', (e.innerText || '').trim());
  return (document.body ? document.body.innerText : '').split('\\n').map(l => l.replace(/\\s+/g, ' ').trim())
    .filter(l => l);
}""" % {"seen": _SEEN}

# Messages shown since the mark: untagged elements, or tagged ones whose text changed; then lines
# of text that were not on the page at the mark.
_NEW = """([sel, before]) => {
  const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && parseFloat(s.opacity || '1') > 0.05; };
  const clean = t => (t || '').replace(/\\s+/g, ' ').trim();
  const found = [];
  for (const e of document.querySelectorAll(sel)) {
    const text = clean(e.innerText);
    if (!text || text.length > 300 || !shown(e)) continue;
    if (e.getAttribute('%(seen)s') === (e.innerText || '').trim()) continue;
    if (!found.some(f => f.includes(text) || text.includes(f))) found.push(text);
    else { const i = found.findIndex(f => text.includes(f)); if (i >= 0) found[i] = text; }
  }
  const old = new Set(before);
  const lines = (document.body ? document.body.innerText : '').split('\\n').map(clean)
    .filter(l => l && l.length <= 300 && !old.has(l));
  return {messages: found, lines};
}""" % {"seen": _SEEN}


def _css(folder: Path | None) -> str:
    return ", ".join(s["css"] for s in selectors_data.load("messages", folder).elements["message"] if "css" in s)


class MessageWatch:
    """`mark()` before an action; `new()` after it says what the portal wrote since."""

    def __init__(self, page: Page, folder: Path | None = None):
        self.page = page
        self.selector = _css(folder)
        self.spec = selectors_data.load("messages", folder)
        self._before: list[str] = []

    def mark(self) -> None:
        try:
            self._before = self.page.evaluate(_MARK, self.selector)
        except PlaywrightError:  # the page is between two documents: nothing to compare against
            self._before = []

    def new(self) -> str:
        """The portal's new message, or "" when it wrote nothing new."""
        try:
            seen = self.page.evaluate(_NEW, [self.selector, self._before])
        except PlaywrightError:
            return ""
        if seen["messages"]:
            return " ".join(seen["messages"])
        return " ".join(seen["lines"][:3]) if 0 < len(seen["lines"]) <= 3 else ""

    def wait(self, seconds: float) -> str:
        """The portal's new message, waiting up to `seconds` for one (a toast drawn after its screen)."""
        try:
            handle = self.page.wait_for_function(
                f"(args) => {{ const r = ({_NEW})(args); return (r.messages.length || (r.lines.length > 0 "
                "&& r.lines.length <= 3)) ? r : false; }", arg=[self.selector, self._before],
                timeout=seconds * 1000, polling=100)
        except PlaywrightError:
            return ""
        seen = handle.json_value()
        return " ".join(seen["messages"]) if seen["messages"] else " ".join(seen["lines"])

    def says_unavailable(self, text: str) -> bool:
        return any(re.search(p, text, re.IGNORECASE) for p in self.spec.messages.get("unavailable", []))
