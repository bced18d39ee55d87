"""Portal messages wherever they appear: alert boxes, toasts, live regions, error-ish classes, or
any visible text that appeared after an action. Read in one round trip.

A new text is not always an answer: « un code vous a été envoyé » is progress. `refuses` says
whether a text reads as a refusal (its wording, then its alert role or error styling)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from flows.engine import selectors_data

_SEEN = "data-damancom-vu"

# Tags every message element with the text it shows now; returns the page's visible lines.
_MARK = """(sel) => {
  for (const e of document.querySelectorAll(sel)) e.setAttribute('%(seen)s', (e.innerText || '').trim());
  return (document.body ? document.body.innerText : '').split('\\n').map(l => l.replace(/\\s+/g, ' ').trim())
    .filter(l => l);
}""" % {"seen": _SEEN}

# Messages shown since the mark: untagged elements, or tagged ones whose text changed; then lines
# of text that were not on the page at the mark. `alarming`: one of the messages has an alert role
# or an error class (on itself or a close ancestor).
_NEW = """([sel, before, styling]) => {
  const errorish = new RegExp(styling, 'i');
  const alarms = e => {
    for (let n = e, depth = 0; n && n !== document.body && depth < 4; n = n.parentElement, depth++) {
      if (/^(alert|alertdialog)$/.test(n.getAttribute('role') || '')
          || errorish.test(n.getAttribute('class') || '')) return true;
    }
    return false; };
  let alarming = false;
  const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && parseFloat(s.opacity || '1') > 0.05; };
  const clean = t => (t || '').replace(/\\s+/g, ' ').trim();
  const found = [];
  for (const e of document.querySelectorAll(sel)) {
    const text = clean(e.innerText);
    if (!text || text.length > 300 || !shown(e)) continue;
    if (e.getAttribute('%(seen)s') === (e.innerText || '').trim()) continue;
    alarming = alarming || alarms(e);
    if (!found.some(f => f.includes(text) || text.includes(f))) found.push(text);
    else { const i = found.findIndex(f => text.includes(f)); if (i >= 0) found[i] = text; }
  }
  const old = new Set(before);
  const lines = (document.body ? document.body.innerText : '').split('\\n').map(clean)
    .filter(l => l && l.length <= 300 && !old.has(l));
  return {messages: found, lines, alarming};
}""" % {"seen": _SEEN}


@dataclass(frozen=True)
class Said:
    """What the portal wrote since the mark, and whether it was styled as an alert or an error."""

    text: str = ""
    alarming: bool = False


def _css(folder: Path | None) -> str:
    return ", ".join(s["css"] for s in selectors_data.load("messages", folder).elements["message"] if "css" in s)


class MessageWatch:
    """`mark()` before an action; `new()` after it says what the portal wrote since."""

    def __init__(self, page: Page, folder: Path | None = None):
        self.page = page
        self.selector = _css(folder)
        self.spec = selectors_data.load("messages", folder)
        self._styling = "|".join(self.spec.messages.get("error_styling", [])) or "(?!)"
        self._before: list[str] = []

    def mark(self) -> None:
        try:
            self._before = self.page.evaluate(_MARK, self.selector)
        except PlaywrightError:  # the page is between two documents: nothing to compare against
            self._before = []

    def new(self) -> str:
        """The portal's new message, or "" when it wrote nothing new."""
        return self.said().text

    def said(self) -> Said:
        try:
            seen = self.page.evaluate(_NEW, [self.selector, self._before, self._styling])
        except PlaywrightError:
            return Said()
        return self._keep_refusals(_said(seen, lines_at_most=3), seen)

    def wait(self, seconds: float) -> str:
        """The portal's new message, waiting up to `seconds` for one (a toast drawn after its screen)."""
        return self.wait_said(seconds).text

    def wait_said(self, seconds: float) -> Said:
        try:
            handle = self.page.wait_for_function(
                f"(args) => {{ const r = ({_NEW})(args); return (r.messages.length || (r.lines.length > 0 "
                "&& r.lines.length <= 3)) ? r : false; }",
                arg=[self.selector, self._before, self._styling],
                timeout=seconds * 1000,
                polling=100,
            )
        except PlaywrightError:
            return Said()
        seen = handle.json_value()
        return self._keep_refusals(_said(seen, lines_at_most=None), seen)

    def _keep_refusals(self, said: Said, seen: dict) -> Said:
        """Several messages at once (« un code vous a été envoyé » and « mot de passe incorrect »):
        the refusal is the answer, the announcement next to it would mislead the classification."""
        refusals = [m for m in seen["messages"] if self._says(m, "refusal")]
        return Said(" ".join(refusals), said.alarming) if refusals and len(refusals) < len(seen["messages"]) else said

    def refuses(self, said: Said) -> bool:
        """A refusal only when it reads as one: refusal wording; else reassuring wording is progress;
        else an alert role or error styling. A neutral text is progress, not an answer."""
        if not said.text:
            return False
        if self._says(said.text, "refusal"):
            return True
        return said.alarming and not self._says(said.text, "progress")

    def _says(self, text: str, kind: str) -> bool:
        return any(re.search(p, text, re.IGNORECASE) for p in self.spec.messages.get(kind, []))

    def says_unavailable(self, text: str) -> bool:
        return self._says(text, "unavailable")


def _said(seen: dict, lines_at_most: int | None) -> Said:
    if seen["messages"]:
        return Said(" ".join(seen["messages"]), bool(seen.get("alarming")))
    lines = seen["lines"]
    if lines_at_most is not None and not 0 < len(lines) <= lines_at_most:
        return Said()
    return Said(" ".join(lines[:3]))
