"""The login paths. OTP: home → « S'authentifier avec OTP » → identifier → code + password →
« Valider ». e-ID: home → « S'authentifier avec e-ID » → QR code approved on the phone."""

from __future__ import annotations

from typing import Protocol

from loguru import logger

from bot.errors import CodeNotProvided, CredentialsRejected, PortalUnavailable, SessionLost, UnexpectedPage
from bot.retry import RetryPolicy
from flows.code_password import PERSON_SUBMITTED, PERSON_TYPED, CodePasswordScreen
from flows.context import FlowContext
from flows.home import HomeScreen
from flows.identifier import IdentifierScreen
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
          *, max_code_tries: int = MAX_CODE_TRIES, retry: RetryPolicy = RetryPolicy()) -> InterfaceScreen:
    identifier_screen = _reach(ctx, url, retry, person.before_sms, "choose_otp")
    try:
        return _with_code(identifier_screen, identifier, password, person, max_code_tries)
    except SessionLost as lost:
        # Once, and only once: a new login asks the person for a new code.
        logger.warning("Session perdue par le portail ({}) : nouvelle connexion, un nouveau code sera demandé.",
                       lost.message)
        identifier_screen = _reach(ctx, url, retry, lambda: None, "choose_otp")
        try:
            return _with_code(identifier_screen, identifier, password, person, max_code_tries)
        except SessionLost as again:
            raise PortalUnavailable(
                "Le portail a perdu la session deux fois de suite : il est instable. Le bot ne recommence pas ; "
                "réessayez plus tard, de préférence le soir.", screenshot=again.screenshot) from None


def _reach(ctx: FlowContext, url: str, retry: RetryPolicy, before_sms, choice: str):
    """Home, then the login choice, retrying transient failures (no SMS is involved yet)."""
    gate_passed = []

    def attempt():
        logger.info("Ouverture du portail {}", url)
        home = HomeScreen(ctx).open(url)
        if not gate_passed:
            before_sms()
            gate_passed.append(True)
        return getattr(home, choice)()

    return retry.run(attempt, ctx.remaining)


def _with_code(identifier_screen: IdentifierScreen, identifier: str, password: str, person: Person,
               max_code_tries: int) -> InterfaceScreen:
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


def login_eid(ctx: FlowContext, url: str, person: Person, wait: float,
              retry: RetryPolicy = RetryPolicy()) -> InterfaceScreen:
    eid = _reach(ctx, url, retry, person.before_sms, "choose_eid")
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
    kind = screen.classify(text)
    if kind == "session_lost":
        raise SessionLost(f"« {text} »", screenshot=shot)
    if kind == "expired":
        raise CodeNotProvided(
            f"Le code a expiré avant d'être validé (« {text} »). Relancez la connexion et saisissez "
            "le nouveau code dès sa réception.", screenshot=shot)
    raise CredentialsRejected(
        f"Le portail a mis fin à la tentative de connexion (« {text or 'aucun message'} »). "
        "Vérifiez vos identifiants avant de réessayer.", screenshot=shot)
