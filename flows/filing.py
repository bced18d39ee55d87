"""The filing sequence, once logged in: which screen may follow which action.

interface ─period link→ declaration ─upload→ confirmation (or declaration + refusal)
confirmation ─« Valider la déclaration »→ receipt; declaration (already declared) ─receipt link→ receipt
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import CodeNotProvided, UnexpectedPage
from flows.context import FlowContext
from flows.declaration import ConfirmationScreen, DeclarationScreen, ReceiptScreen
from flows.interface import InterfaceScreen
from flows.step import After, act, go, wait_for

AFTER_PERIOD_LINK = (DeclarationScreen,)
AFTER_UPLOAD = (ConfirmationScreen, DeclarationScreen)
AFTER_VALIDATE = (ReceiptScreen,)
AFTER_RECEIPT_LINK = (ReceiptScreen,)


def open_period(ctx: FlowContext, interface: InterfaceScreen, period_label: str) -> DeclarationScreen:
    return go(ctx, lambda: interface.click_period(period_label), interface, AFTER_PERIOD_LINK,
                         f"le lien de la période {period_label}")


def upload(ctx: FlowContext, screen: DeclarationScreen, path: Path) -> After:
    """Confirmation when the portal accepted the file; else the declaration screen and its refusal."""
    screen.choose_file(path)
    after = act(ctx, screen.send_file, expect=AFTER_UPLOAD, current=screen, what="le dépôt du fichier")
    if after.screen is None:
        raise screen.unexpected(f"le portail dit « {after.message} »")
    if isinstance(after.screen, DeclarationScreen) and not after.message:
        after.message = after.screen.refusal()
    return after


def validate(ctx: FlowContext, confirmation: ConfirmationScreen) -> ReceiptScreen:
    return go(ctx, confirmation.click_validate, confirmation, AFTER_VALIDATE,
                         "« Valider la déclaration »")


def person_validates(ctx: FlowContext, confirmation: ConfirmationScreen, seconds: float) -> ReceiptScreen:
    """Headed, assisted filing: the person clicks « Valider la déclaration »; the receipt follows."""
    try:
        return wait_for(ctx, AFTER_VALIDATE, timeout=seconds, settle=False)
    except UnexpectedPage:
        shot = confirmation.shot("non-validee")
        raise CodeNotProvided("La déclaration n'a pas été validée dans le délai. Relancez « damancom-bot declare » : "
                              "il vérifiera d'abord sur le portail si elle a été déposée.", screenshot=shot) from None


def open_receipt(ctx: FlowContext, screen: DeclarationScreen) -> ReceiptScreen:
    return go(ctx, screen.click_receipt, screen, AFTER_RECEIPT_LINK, "le lien de l'accusé de réception")
