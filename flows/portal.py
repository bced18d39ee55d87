"""Opening the portal: the first request says whether it can be reached at all, and how it refuses."""

from __future__ import annotations

from typing import Sequence

from playwright.sync_api import Error as PlaywrightError

from bot.errors import ConfigError, PortalRefused, PortalUnavailable
from bot.run.playwright_errors import unsafe_port
from flows.context import FlowContext
from flows.network import REFUSALS
from flows.screen import Screen
from flows.step import wait_for

_NO_SUCH_HOST = ("ERR_NAME_NOT_RESOLVED", "ERR_INTERNET_DISCONNECTED", "ERR_ADDRESS_UNREACHABLE",
                 "ERR_NETWORK_CHANGED", "ERR_PROXY")
_BLOCKED = (401, 403, 407, 451)


def open_portal(ctx: FlowContext, url: str, expect: Sequence[type[Screen]]) -> Screen:
    try:
        response = ctx.page.goto(url, wait_until="domcontentloaded")
    except PlaywrightError as exc:
        ctx.stop_loading()
        first_line = str(exc).splitlines()[0]
        if unsafe_port(exc):  # the address's fault, not the portal's: nothing was even tried
            raise ConfigError(f"Le navigateur refuse d'ouvrir {url} : son port est réservé à d'autres services "
                              "(ERR_UNSAFE_PORT), aucun navigateur ne s'y connecte. Vérifiez DAMANCOM_URL (le portail "
                              "est https://www.damancom.ma/fr/).") from None
        if any(code in first_line for code in REFUSALS):
            shot = ctx.recorder.try_screenshot(ctx.page, "portail-refuse")
            raise PortalRefused(
                f"Le portail {url} refuse la connexion ({first_line}). S'il est utilisé depuis l'étranger, il peut "
                "être bloqué : utilisez une connexion internet au Maroc. Sinon il est peut-être saturé : le bot "
                "réessaiera plus tard.", screenshot=shot, transient=True) from None
        if any(code in first_line for code in _NO_SUCH_HOST):
            shot = ctx.recorder.try_screenshot(ctx.page, "portail-injoignable")
            raise PortalUnavailable(
                f"Le portail {url} est introuvable depuis cet ordinateur ({first_line}). Vérifiez la connexion "
                "Internet (et l'adresse DAMANCOM_URL).", screenshot=shot, transient=True) from None
        shot = ctx.recorder.try_screenshot(ctx.page, "portail-injoignable")
        raise PortalUnavailable(
            f"Le portail {url} ne répond pas ({first_line}) : il est surchargé ou hors service. Réessayez plus tard, "
            "de préférence le soir.", screenshot=shot, transient=True) from None
    if response is not None and response.status in _BLOCKED:
        shot = ctx.recorder.try_screenshot(ctx.page, "portail-refuse")
        raise PortalRefused(
            f"Le portail refuse l'accès (erreur {response.status}) avant même son premier écran. S'il est utilisé "
            "depuis l'étranger, il peut être bloqué : utilisez une connexion internet au Maroc.", screenshot=shot)
    if response is not None and response.status >= 500:
        shot = ctx.recorder.try_screenshot(ctx.page, "portail-indisponible")
        raise PortalUnavailable(
            f"Le portail répond « erreur {response.status} » ({response.url}) : il est indisponible ou surchargé. "
            "Réessayez plus tard, de préférence le soir (après 21 h) ou tôt le matin.", screenshot=shot,
            transient=response.status in (502, 503, 504))
    return wait_for(ctx, expect)
