"""Home page, and the login choice: « S'authentifier avec OTP » / « S'authentifier avec e-ID »."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from playwright.sync_api import Error as PlaywrightError

from flows.engine import locate, selectors_data
from flows.engine.screen import Screen


class HomeScreen(Screen):
    name = "home"

    def choose_otp(self) -> None:
        self.press(self.find("otp_button"), self.page.locator("body"), "S'authentifier avec OTP")

    def choose_eid(self) -> None:
        self.press(self.find("eid_button"), self.page.locator("body"), "S'authentifier avec e-ID")


_MARK = "data-damancom-entree"
# Every visible link and button of the page, marked so the chosen one can be clicked: what it
# says and where it leads (its href, or its form's action).
_CANDIDATES = """() => {
  const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  const clean = t => (t || '').replace(/\\s+/g, ' ').trim();
  const found = [];
  document.querySelectorAll('a[href], button, [role=button], [role=link], input[type=submit], input[type=button]')
    .forEach((e, i) => {
      if (!shown(e) || e.disabled) return;
      if (e.getAttribute('%s') !== String(i)) e.setAttribute('%s', String(i));  // a look changes nothing twice
      const action = e.form ? (e.getAttribute('formaction') || e.form.getAttribute('action') || '') : '';
      found.push({mark: String(i), words: clean(e.innerText || e.value || e.getAttribute('aria-label') || e.title),
                  href: e.getAttribute('href') || action});
    });
  return found;
}""" % (_MARK, _MARK)


@dataclass(frozen=True)
class WayIn:
    """A link or button that may lead to the authentication, and how well its meaning fits."""

    mark: str
    words: str
    href: str
    score: int

    def describe(self) -> str:
        return self.words or self.href or "?"


class EntryScreen(Screen):
    """Any page without the login choice: the way in is found by what links and buttons say and
    where they lead (ranked, `selectors/entry.yaml`), or, when nothing fits, the known address."""

    name = "entry"

    def is_here(self, sight=None) -> bool:
        if any(self._resolve(e, sight) for e in self.spec.absent):
            return False
        return self.best() is not None

    def best(self, skip: tuple[WayIn, ...] = ()) -> WayIn | None:
        """The selector file's own way in (taught or edited) when it is on screen, else the best ranked."""
        taught = locate.resolve(self.page, self.spec.elements["entry"])
        if taught is not None and not skip:
            return WayIn("", _words(taught.locator), taught.locator.get_attribute("href") or "", 99)
        ranked = self.ranked()
        seen = {(w.words, w.href) for w in skip}
        return next((w for w in ranked if (w.words, w.href) not in seen), None)

    def ranked(self) -> list[WayIn]:
        try:
            candidates = self.page.evaluate(_CANDIDATES)
        except PlaywrightError:
            return []
        scored = [WayIn(c["mark"], c["words"], c["href"], self._score(c["words"], c["href"])) for c in candidates]
        return sorted((w for w in scored if w.score > 0), key=lambda w: -w.score)  # stable: page order on ties

    def _score(self, words: str, href: str) -> int:
        ranking = self._shipped("ranking")
        if any(re.search(p, text, re.IGNORECASE) for p in ranking.get("never", []) for text in (words, href)):
            return 0
        said = max(
            (points for p, points in ranking.get("words", {}).items() if re.search(p, words, re.IGNORECASE)), default=0
        )
        leads = max(
            (points for p, points in ranking.get("href", {}).items() if re.search(p, href, re.IGNORECASE)), default=0
        )
        return said + leads if said or leads >= ranking.get("href_alone", 3) else 0

    def enter(self, way: WayIn | None = None) -> None:
        way = way or self.best()
        if way is None:
            raise self.unexpected("aucune entrée vers l'authentification")
        target = self.page.locator(f"[{_MARK}='{way.mark}']") if way.mark else self.find("entry")
        self.press(target, target, way.describe())

    def wording(self) -> str:
        """What the way in says (« Mon compte »…), for the audit trail."""
        way = self.best()
        return way.describe() if way else "?"

    def known_address(self, portal_url: str) -> str:
        """Where the authentication lives when no page leads there (the field's scripts go straight there)."""
        return urljoin(portal_url, self._shipped("facts")["known_address"][0])

    def _shipped(self, part: str) -> dict:
        """A person's own entry.yaml (learned before these parts existed) may lack them: the shipped ones then."""
        return getattr(self.spec, part) or getattr(selectors_data.load(self.name), part)


def _words(locator) -> str:
    try:
        return " ".join(locator.inner_text().split()) or locator.get_attribute("aria-label") or "?"
    except PlaywrightError:
        return "?"
