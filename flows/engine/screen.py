"""Base page object: a screen recognises itself from its selector file, finds its elements, acts.

Screens never choose the next screen, nor wait: the portal's map (`flows/portal_map.py`) holds the
tables of which screens may follow which action, and `flows/engine/step.py` waits for them."""

from __future__ import annotations

import re
from typing import ClassVar, Sequence

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator

from bot.errors import UnexpectedPage
from bot.output.playwright_fr import in_french
from flows.engine import locate, selectors_data
from flows.engine.context import FlowContext

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")  # a dot inside « 06.12.34 » or « 5.2 » ends nothing


class Screen:
    name: ClassVar[str]  # the selector file: selectors/<name>.yaml

    def __init__(self, ctx: FlowContext):
        self.ctx = ctx
        self.page = ctx.page
        self.spec = selectors_data.load(self.name, ctx.selectors_dir)

    # recognising ----------------------------------------------------------------
    def watched(self) -> list[list[dict]]:
        """The strategies recognising this screen reads: what a `locate.Sight` should look at."""
        return [self.spec.elements[e] for e in (*self.spec.recognise, *self.spec.absent)]

    def look(self) -> locate.Sight | None:
        """One round trip for every strategy of this screen, instead of one per strategy tried."""
        try:
            return locate.Sight(self.page, self.watched())
        except PlaywrightError:  # between two documents: each element is looked for on its own
            return None

    def is_here(self, sight: locate.Sight | None = None) -> bool:
        """`sight`: one look already taken at the page (flows/step.py takes one for all candidates)."""
        sight = sight or self.look()
        present = all(self._resolve(e, sight) for e in self.spec.recognise)
        return present and not any(self._resolve(e, sight) for e in self.spec.absent)

    def missing(self, sight: locate.Sight | None = None) -> list[str] | None:
        """While the screen is still being drawn (some of its `recognise` elements there, not all):
        the ones missing. None when it is either all there or not there at all."""
        if len(self.spec.recognise) < 2:
            return None
        sight = sight or self.look()
        missing = [e for e in self.spec.recognise if self._resolve(e, sight) is None]
        return missing if 0 < len(missing) < len(self.spec.recognise) else None

    def _resolve(self, element: str, sight: locate.Sight | None = None) -> locate.Found | None:
        return locate.resolve(self.page, self.spec.elements[element], sight=sight)

    # elements -------------------------------------------------------------------
    def find(self, element: str) -> Locator:
        found = locate.resolve(self.page, self.spec.elements[element])
        if found is None:
            raise self.unexpected(f"élément « {element} » introuvable ({self.spec.source})")
        return found.locator

    def find_optional(self, element: str) -> Locator | None:
        if element not in self.spec.elements:
            return None
        found = locate.resolve(self.page, self.spec.elements[element])
        return found.locator if found else None

    def error_text(self) -> str | None:
        error = self.find_optional("error")
        return " ".join(error.inner_text().split()) if error else None

    def classify(self, text: str) -> str | None:
        """The first kind of the selector file one of whose patterns a sentence of `text` matches.
        Sentence by sentence: a portal that keeps « Un code vous a été envoyé… » on screen above
        « Mot de passe incorrect. » would otherwise read as a refused code (« code … incorrect »)."""
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
        for kind, patterns in self.spec.messages.items():
            if any(re.search(p, sentence, re.IGNORECASE) for p in patterns for sentence in sentences):
                return kind
        return None

    # acting ---------------------------------------------------------------------
    def press(self, button: Locator | None, fallback_field: Locator, what: str) -> None:
        """Clicks `button` once it is enabled (many portals enable it only when the fields are
        filled), or presses Enter in `fallback_field` when the screen has no button."""
        if button is None:
            fallback_field.press("Enter")
            return
        try:
            button.click()
        except PlaywrightError as exc:
            if _disabled(button):
                raise self.unexpected(
                    f"le bouton « {what} » est resté désactivé après la saisie : un champ "
                    "n'a sans doute pas été rempli comme le portail l'attend"
                ) from None
            raise self.unexpected(f"clic sur « {what} » impossible ({in_french(exc)})") from None

    # recording ------------------------------------------------------------------
    def shot(self, step: str, extra_masks: Sequence[Locator] = (), **extra):
        return self.ctx.recorder.screenshot(self.page, step, extra_masks, **extra)

    def unexpected(self, detail: str = "") -> UnexpectedPage:
        shot = self.ctx.recorder.try_screenshot(self.page, f"echec-{self.name}")
        return UnexpectedPage(self.spec.label, self.page.url, page_title(self.page), shot, detail)


def _disabled(button: Locator) -> bool:
    try:
        return button.is_disabled(timeout=1000)
    except PlaywrightError:
        return False


def page_title(page) -> str:
    try:
        return page.title()
    except PlaywrightError:
        return "?"
