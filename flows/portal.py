"""Opening the portal: the first request says whether it can be reached at all, and how it refuses.

A refusal page is read (`selectors/refusal.yaml`): a firewall refusing the browser (exit 10, or a
visible window when the refused browser was headless: `bot/run/runner.py`), a block on access from
abroad, a maintenance page — each said as what it is."""

from __future__ import annotations

from typing import Sequence

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from bot.errors import BrowserRefused, ConfigError, PortalRefused, PortalUnavailable, UnexpectedPage, UnreadRefusal
from bot.output.playwright_fr import network_in_words, unsafe_port
from flows.engine.context import FlowContext
from flows.engine.network import REFUSALS
from flows.engine.screen import Screen
from flows.engine.step import wait_for
from flows.unavailable import Refusal, RefusalPage

_NO_SUCH_HOST = (
    "ERR_NAME_NOT_RESOLVED",
    "ERR_INTERNET_DISCONNECTED",
    "ERR_ADDRESS_UNREACHABLE",
    "ERR_NETWORK_CHANGED",
    "ERR_PROXY",
)
_BLOCKED = (401, 403, 407, 451)


def open_portal(
    ctx: FlowContext, url: str, expect: Sequence[type[Screen]], *, loaded_calm: float | None = None
) -> Screen:
    """`loaded_calm`: see `flows/engine/step.py: act`."""
    try:
        response = ctx.page.goto(url, wait_until="domcontentloaded")
    except PlaywrightError as exc:
        ctx.stop_loading()
        first_line = str(exc).splitlines()[0]
        logger.debug("Ouverture du portail refusée par le navigateur : {}", first_line)
        said = network_in_words(first_line)  # the person reads French, the log keeps Playwright's words
        if unsafe_port(exc):  # the address's fault, not the portal's: nothing was even tried
            raise ConfigError(
                f"Le navigateur refuse d'ouvrir {url} : son port est réservé à d'autres services "
                "(ERR_UNSAFE_PORT), aucun navigateur ne s'y connecte. Vérifiez DAMANCOM_URL (le portail "
                "est https://www.damancom.ma/fr/)."
            ) from None
        if any(code in first_line for code in REFUSALS):
            shot = ctx.recorder.try_screenshot(ctx.page, "portail-refuse")
            raise PortalRefused(
                f"Le portail {url} refuse la connexion ({said}). S'il est utilisé depuis l'étranger, il peut "
                "être bloqué : utilisez une connexion internet au Maroc. Sinon il est peut-être saturé : le bot "
                "réessaiera plus tard.",
                screenshot=shot,
                transient=True,
            ) from None
        if any(code in first_line for code in _NO_SUCH_HOST):
            shot = ctx.recorder.try_screenshot(ctx.page, "portail-injoignable")
            raise PortalUnavailable(
                f"Le portail {url} est introuvable depuis cet ordinateur ({said}). Vérifiez la connexion "
                "Internet (et l'adresse DAMANCOM_URL).",
                screenshot=shot,
                transient=True,
            ) from None
        shot = ctx.recorder.try_screenshot(ctx.page, "portail-injoignable")
        raise PortalUnavailable(
            f"Le portail {url} ne répond pas ({said}) : il est surchargé ou hors service. Réessayez plus tard, "
            "de préférence le soir.",
            screenshot=shot,
            transient=True,
        ) from None
    if response is not None and response.status in _BLOCKED:
        raise refused(ctx, RefusalPage(ctx).read(), f"erreur {response.status}")
    if response is not None and response.status >= 500:
        shot = ctx.recorder.try_screenshot(ctx.page, "portail-indisponible")
        raise PortalUnavailable(
            f"Le portail répond « erreur {response.status} » ({response.url}) : il est indisponible ou surchargé. "
            "Réessayez plus tard, de préférence le soir (après 21 h) ou tôt le matin.",
            screenshot=shot,
            transient=response.status in (502, 503, 504),
        )
    try:
        return wait_for(ctx, expect, loaded_calm=loaded_calm)
    except UnexpectedPage:
        refusal = RefusalPage(ctx).read()  # some firewalls answer 200 with their refusal page
        if refusal.kind == "firewall":
            raise refused(ctx, refusal, "page de refus") from None
        raise


def answer_refused(ctx: FlowContext, html: str, status: str) -> PortalUnavailable | BrowserRefused | None:
    """A page answered to a background request of a single-page portal (its API): the refusal its
    words say, as for a document; None when they say none (the API's own answer, read by the screen)."""
    refusal = RefusalPage(ctx).read(html)
    return refused(ctx, refusal, status) if refusal.kind is not None else None


def refused(ctx: FlowContext, refusal: Refusal, status: str) -> PortalUnavailable | BrowserRefused:
    """The error a refusal page says: a firewall, a block from abroad, a maintenance, or a bare refusal."""
    shot = ctx.recorder.try_screenshot(ctx.page, "portail-refuse")
    said = f"{status} : « {refusal.quoted()} »" if refusal.text else status
    reference = f", référence {refusal.reference}" if refusal.reference else ""
    if refusal.kind == "maintenance":
        return PortalUnavailable(
            f"Le portail est en maintenance ({said}). Réessayez plus tard, de préférence le soir.", screenshot=shot
        )
    if refusal.kind == "abroad":
        return PortalRefused(
            f"Le portail refuse l'accès depuis cette connexion ({said}) : il bloque l'accès depuis "
            "l'étranger. Utilisez une connexion internet au Maroc.",
            screenshot=shot,
        )
    if refusal.kind == "firewall":
        ctx.recorder.record(
            "refus-pare-feu", url=ctx.page.url, outcome="echec", reference=refusal.reference, headless=refusal.headless
        )
        if refusal.headless:
            return BrowserRefused(
                f"Le pare-feu du portail refuse les navigateurs invisibles ({said}{reference}) : une fenêtre "
                "visible du navigateur peut passer.",
                headless=True,
                reference=refusal.reference,
                screenshot=shot,
            )
        return BrowserRefused(
            f"Le pare-feu du portail refuse l'accès, même à une fenêtre visible du navigateur ({said}{reference}) : "
            "ce n'est ni le bot ni vos identifiants. Essayez depuis une autre connexion internet au Maroc ; si cela "
            "continue, contactez l'assistance de Damancom (CNSS) en donnant la référence.",
            headless=False,
            reference=refusal.reference,
            screenshot=shot,
        )
    return UnreadRefusal(
        f"Le portail refuse l'accès ({said}) avant même son premier écran. S'il est utilisé "
        "depuis l'étranger, il peut être bloqué : utilisez une connexion internet au Maroc.",
        screenshot=shot,
    )
