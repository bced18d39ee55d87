"""Base page object: a screen recognises itself from its selector file and finds its elements."""

from __future__ import annotations

import re
from typing import ClassVar, Sequence

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, TimeoutError as PlaywrightTimeout

from bot.errors import PortalUnavailable, UnexpectedPage
from flows import locate, selectors_data
from flows.context import FlowContext


class Screen:
    name: ClassVar[str]  # the selector file: selectors/<name>.yaml

    def __init__(self, ctx: FlowContext):
        self.ctx = ctx
        self.page = ctx.page
        self.spec = selectors_data.load(self.name, ctx.selectors_dir)

    # recognising ----------------------------------------------------------------
    def is_here(self) -> bool:
        present = all(locate.resolve(self.page, self.spec.elements[e]) for e in self.spec.recognise)
        return present and not any(locate.resolve(self.page, self.spec.elements[e]) for e in self.spec.absent)

    def marker(self) -> Locator:
        return locate.any_of(self.page, self.spec.elements[self.spec.recognise[0]])

    def wait_here(self) -> "Screen":
        return wait_for_any(self.ctx, [type(self)])

    # elements -------------------------------------------------------------------
    def find(self, element: str) -> Locator:
        found = locate.resolve(self.page, self.spec.elements[element])
        if found is None:
            raise self.unexpected(f"élément « {element} » introuvable ({self.spec.source})")
        return found.locator

    def find_optional(self, element: str) -> Locator | None:
        found = locate.resolve(self.page, self.spec.elements.get(element, [{"css": "#__none__"}]))
        return found.locator if found else None

    def error_text(self) -> str | None:
        error = self.find_optional("error")
        return " ".join(error.inner_text().split()) if error else None

    def classify(self, text: str) -> str | None:
        for kind, patterns in self.spec.messages.items():
            if any(re.search(p, text, re.IGNORECASE) for p in patterns):
                return kind
        return None

    # recording ------------------------------------------------------------------
    def shot(self, step: str, extra_masks: Sequence[Locator] = ()):
        return self.ctx.recorder.screenshot(self.page, step, extra_masks)

    def unexpected(self, detail: str = "") -> UnexpectedPage:
        shot = self.ctx.recorder.try_screenshot(self.page, f"echec-{self.name}")
        return UnexpectedPage(self.spec.label, self.page.url, page_title(self.page), shot, detail)

    def submit(self, button: Locator | None, fallback_field: Locator) -> None:
        """Click the submit button (or press Enter in a field) and wait for the next document."""
        self.ctx.mark_document()
        if button is not None:
            button.click()
        else:
            fallback_field.press("Enter")
        try:
            self.ctx.wait_new_document()
        except PlaywrightTimeout:
            self.ctx.stop_loading()
            shot = self.ctx.recorder.try_screenshot(self.page, "portail-sans-reponse")
            raise PortalUnavailable(
                f"Le portail n'a pas répondu dans le délai ({self.ctx.navigation_timeout:.0f} s) après l'envoi "
                "du formulaire : il est surchargé. Réessayez plus tard, de préférence le soir.", screenshot=shot) from None


def page_title(page) -> str:
    try:
        return page.title()
    except PlaywrightError:
        return "?"


def check_status(ctx: FlowContext) -> None:
    """A 5xx document, or the browser's own error page, means the portal is down or overloaded,
    whatever the page shows (Playwright does not raise for a 500)."""
    ctx.check_budget()
    response = ctx.last_document
    if ctx.page.url.startswith("chrome-error://"):
        shot = ctx.recorder.try_screenshot(ctx.page, "portail-injoignable")
        raise PortalUnavailable(
            "La connexion au portail a été coupée (aucune page reçue). Il est surchargé ou instable : "
            "réessayez plus tard, de préférence le soir (après 21 h) ou tôt le matin.", screenshot=shot)
    if response is not None and response.status >= 500:
        shot = ctx.recorder.try_screenshot(ctx.page, "portail-indisponible")
        raise PortalUnavailable(
            f"Le portail répond « erreur {response.status} » ({response.url}) : il est indisponible ou surchargé. "
            "Réessayez plus tard, de préférence le soir (après 21 h) ou tôt le matin.", screenshot=shot,
            transient=response.status in (502, 503, 504))


def wait_for_any(ctx: FlowContext, screens: Sequence[type[Screen]], timeout: float | None = None) -> Screen:
    """Waits until one of `screens` is on display and returns it (first match in order).

    `timeout` in seconds; the action timeout by default.
    """
    from flows.unavailable import UnavailableScreen

    check_status(ctx)
    candidates = [cls(ctx) for cls in screens]
    down = UnavailableScreen(ctx)
    combined = down.marker()
    for screen in candidates:
        combined = combined.or_(screen.marker())
    wait = ctx.action_timeout if timeout is None else timeout
    try:
        combined.first.wait_for(state="visible", timeout=min(wait, ctx.remaining()) * 1000)
    except PlaywrightTimeout:
        check_status(ctx)
        raise candidates[0].unexpected(_expected(candidates)) from None
    for screen in candidates:
        if screen.is_here():
            return screen
    if down.is_here():
        shot = down.shot("portail-indisponible")
        notice = " ".join(down.find("notice").inner_text().split())
        raise PortalUnavailable(f"Le portail affiche « {notice} » : il est indisponible ou en maintenance. "
                                "Réessayez plus tard, de préférence le soir.", screenshot=shot)
    raise candidates[0].unexpected(_expected(candidates))


def _expected(candidates: Sequence[Screen]) -> str:
    if len(candidates) == 1:
        return ""
    return "écrans possibles : " + ", ".join(s.spec.label for s in candidates)
