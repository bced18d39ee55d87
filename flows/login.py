"""The login paths. OTP: home → « S'authentifier avec OTP » → identifier → code + password →
« Valider ». e-ID: home → « S'authentifier avec e-ID » → QR code approved on the phone."""

from __future__ import annotations

from typing import Protocol

from loguru import logger

from bot.errors import CodeNotProvided, CredentialsRejected, UnexpectedPage
from flows.code_password import PERSON_SUBMITTED, PERSON_TYPED, CodePasswordScreen
from flows.context import FlowContext
from flows.home import HomeScreen
from flows.interface import InterfaceScreen
from flows.screen import wait_for_any

# The sandbox, like the real portal, ends an attempt after 3 wrong codes; we stop one short.
MAX_CODE_TRIES = 2


class Person(Protocol):
    """The human in the loop, as the flow sees them (see bot.handover.session.HandOver)."""

    def before_sms(self) -> None: ...
    def sms_sent(self) -> None: ...
    def code(self, screen: CodePasswordScreen, *, again: bool = False) -> object: ...
    def eid_waiting(self, qr) -> None: ...


def login(ctx: FlowContext, url: str, identifier: str, password: str, person: Person,
          *, max_code_tries: int = MAX_CODE_TRIES) -> InterfaceScreen:
    logger.info("Ouverture du portail {}", url)
    home = HomeScreen(ctx).open(url)
    person.before_sms()
    identifier_screen = home.choose_otp()
    logger.info("Envoi de l'identifiant : le portail envoie un code par SMS.")
    code_screen = identifier_screen.submit_identifier(identifier)
    person.sms_sent()
    for attempt in range(1, max_code_tries + 1):
        code_screen.prefill_password(password)
        code = person.code(code_screen, again=attempt > 1)
        if code is PERSON_SUBMITTED:
            logger.info("Code validé dans la fenêtre du navigateur.")
            screen = code_screen.after_person_submitted()
        elif code is PERSON_TYPED:
            logger.info("Code saisi dans la fenêtre du navigateur, validation en cours.")
            screen = code_screen.validate_typed()
        else:
            logger.info("Code saisi, validation en cours.")
            screen = code_screen.validate(code, password)
        if isinstance(screen, InterfaceScreen):
            return _arrived(screen)
        if isinstance(screen, CodePasswordScreen):
            kind, text = screen.refusal()
            shot = screen.shot("code-refuse")
            if kind == "wrong_code" and attempt < max_code_tries:
                logger.warning("Le portail a refusé le code : {}", text)
                code_screen = screen
                continue
            if kind == "wrong_password":
                raise CredentialsRejected(
                    f"Le portail a refusé le mot de passe (« {text} »). Vérifiez DAMANCOM_PASSWORD avant de "
                    "réessayer : plusieurs refus peuvent bloquer le compte.", screenshot=shot)
            raise CredentialsRejected(
                f"Le portail a refusé le code (« {text or 'aucun message'} »). Le bot s'arrête avant la limite "
                "d'essais du portail ; relancez la connexion pour recevoir un nouveau code.", screenshot=shot)
        _attempt_ended(screen)
    raise AssertionError("unreachable")  # the loop always returns or raises


def login_eid(ctx: FlowContext, url: str, person: Person, wait: float) -> InterfaceScreen:
    logger.info("Ouverture du portail {} (e-ID)", url)
    home = HomeScreen(ctx).open(url)
    person.before_sms()
    eid = home.choose_eid()
    eid.shot("eid-code-qr")
    person.eid_waiting(eid.save_qr())
    try:
        screen = wait_for_any(ctx, [InterfaceScreen, HomeScreen], timeout=wait)
    except UnexpectedPage:
        if not eid.is_here():
            raise
        shot = eid.shot("eid-non-approuve")  # the QR still on screen after the wait: nobody approved
        raise CodeNotProvided(
            "La connexion e-ID n'a pas été approuvée dans le délai. Relancez-la quand vous aurez "
            "l'application « Identité Numérique » à portée de main.", screenshot=shot) from None
    if isinstance(screen, InterfaceScreen):
        return _arrived(screen)
    _attempt_ended(screen)
    raise AssertionError("unreachable")


def _arrived(screen: InterfaceScreen) -> InterfaceScreen:
    screen.shot("espace-affilie")
    logger.info("Espace affilié atteint.")
    return screen


def _attempt_ended(screen) -> None:
    """Back on the identifier screen or home: the portal ended the attempt. Always raises."""
    text = screen.error_text() or ""
    shot = screen.shot("tentative-terminee")
    if screen.classify(text) == "expired":
        raise CodeNotProvided(
            f"Le code a expiré avant d'être validé (« {text} »). Relancez la connexion et saisissez "
            "le nouveau code dès sa réception.", screenshot=shot)
    raise CredentialsRejected(
        f"Le portail a mis fin à la tentative de connexion (« {text or 'aucun message'} »). "
        "Vérifiez vos identifiants avant de réessayer.", screenshot=shot)
