"""The filing sequence, once logged in (its table in `flows/portal_map.py`).

interface ─period link→ declaration ─upload→ confirmation (or declaration + refusal)
confirmation ─« Valider la déclaration »→ receipt; declaration (already declared) ─receipt link→ receipt

After the final click nothing is concluded without the receipt having been looked for: the wait is
patient while the portal is visibly working, and whatever it ends on, the period's own page is
opened again (« Déclarée » → its receipt). A slow portal or a slow computer changes only the time.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from bot.errors import BotError, CodeNotProvided, PortalUnavailable, ScreenDidNotReact, UnexpectedPage
from bot.output.playwright_fr import browser_failed, first_line
from flows.declaration import ConfirmationScreen, DeclarationScreen, ReceiptScreen
from flows.engine.context import FlowContext
from flows.engine.step import After, act, go, visible_within, wait_for
from flows.interface import InterfaceScreen
from flows.portal_map import (
    AFTER_LOOKING_AGAIN,
    AFTER_PERIOD_LINK,
    AFTER_RECEIPT_LINK,
    AFTER_UPLOAD,
    AFTER_VALIDATE,
)

PATIENCE = 5  # navigation timeouts the receipt may take while the portal is working on it
NOT_CONCLUSIVE = (UnexpectedPage, ScreenDidNotReact, PortalUnavailable)  # the filing may still have happened


def open_period(ctx: FlowContext, interface: InterfaceScreen, period_label: str) -> DeclarationScreen:
    return go(
        ctx,
        lambda: interface.click_period(period_label),
        interface,
        AFTER_PERIOD_LINK,
        f"le lien de la période {period_label}",
    )


def upload(ctx: FlowContext, screen: DeclarationScreen, path: Path) -> After:
    """Confirmation when the portal accepted the file; else the declaration screen and its refusal."""
    screen.choose_file(path)
    after = act(ctx, screen.send_file, expect=AFTER_UPLOAD, current=screen, what="le dépôt du fichier")
    if after.screen is None:
        raise screen.unexpected(f"le portail dit « {after.message} »")
    if isinstance(after.screen, DeclarationScreen) and not after.message:
        after.message = after.screen.refusal()
    return after


def patience(ctx: FlowContext) -> float:
    return PATIENCE * ctx.navigation_timeout


def validate(ctx: FlowContext, confirmation: ConfirmationScreen, period_url: str) -> ReceiptScreen:
    """The final click; `period_url`: the period's own page, looked at again when no receipt came."""
    try:
        after = act(
            ctx,
            confirmation.click_validate,
            expect=AFTER_VALIDATE,
            current=confirmation,
            what="« Valider la déclaration »",
            timeout=patience(ctx),
        )
        if after.screen is None:
            raise ReceiptScreen(ctx).unexpected(f"le portail dit « {after.message} »")
        return after.screen
    except NOT_CONCLUSIVE as failure:
        return _receipt_after_all(ctx, period_url, failure)
    except PlaywrightError as exc:
        if browser_failed(exc):
            raise
        logger.debug("Après « Valider la déclaration » : {}", first_line(exc))
        return _receipt_after_all(ctx, period_url, exc)


def person_validates(
    ctx: FlowContext, confirmation: ConfirmationScreen, seconds: float, period_url: str
) -> ReceiptScreen:
    """Headed, assisted filing: the person clicks « Valider la déclaration »; the receipt follows."""
    try:
        return wait_for(ctx, AFTER_VALIDATE, timeout=seconds, settle=False)
    except NOT_CONCLUSIVE:
        shot = confirmation.shot("non-validee")
        found = look_for_receipt(ctx, period_url)
        if found is not None:
            return found
        raise CodeNotProvided(
            "La déclaration n'a pas été validée dans le délai. Relancez « damancom-bot declare » : "
            "il vérifiera d'abord sur le portail si elle a été déposée.",
            screenshot=shot,
        ) from None


def wait_declared(interface: InterfaceScreen, period_label: str, seconds: float) -> bool:
    """Headed runs: the person files the declaration in this browser; True once the interface
    shows the period « Déclarée » (whenever they come back to it)."""
    if not visible_within(interface.declared_row(period_label), seconds):
        return False
    interface.shot("declaration-deposee")
    return True


def open_receipt(ctx: FlowContext, screen: DeclarationScreen, timeout: float | None = None) -> ReceiptScreen:
    after = act(
        ctx,
        screen.click_receipt,
        expect=AFTER_RECEIPT_LINK,
        current=screen,
        what="le lien de l'accusé de réception",
        timeout=timeout,
    )
    if after.screen is None:
        raise ReceiptScreen(ctx).unexpected(f"le portail dit « {after.message} »")
    return after.screen


def _receipt_after_all(ctx: FlowContext, period_url: str, failure: Exception) -> ReceiptScreen:
    """The wait after the final click ended without a receipt: the period's page decides. Not
    « Déclarée » (or not readable): the first failure stands, and the ledger still says « submitting »."""
    found = look_for_receipt(ctx, period_url)
    if found is None:
        raise failure
    return found


def look_for_receipt(ctx: FlowContext, period_url: str) -> ReceiptScreen | None:
    """The period's page opened again: its receipt when it shows « Déclarée », else None."""
    logger.info(
        "Pas d'accusé de réception à l'écran après la validation : le bot ouvre de nouveau la page de la "
        "période pour voir si elle est déposée."
    )
    wait = patience(ctx)
    with _grace(ctx, ctx.navigation_timeout):  # the run's budget spent waiting must not forbid a look
        try:
            ctx.page.goto(period_url, wait_until="commit", timeout=wait * 1000)
            screen = wait_for(ctx, AFTER_LOOKING_AGAIN, timeout=wait)
            if isinstance(screen, ReceiptScreen):
                return screen
            if not screen.is_declared():
                logger.warning("La page de la période ne la montre pas « Déclarée » : dépôt non confirmé.")
                return None
            return open_receipt(ctx, screen, wait)
        except (BotError, PlaywrightError) as exc:
            logger.warning(
                "Page de la période illisible après la validation : {}",
                getattr(exc, "message", None) or first_line(exc),
            )
            return None


@contextmanager
def _grace(ctx: FlowContext, seconds: float):
    saved = ctx.deadline
    if saved is not None:
        ctx.deadline = max(saved, time.monotonic() + seconds)
    try:
        yield
    finally:
        ctx.deadline = saved
