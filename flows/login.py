"""The OTP login path: home → « S'authentifier avec OTP » → identifier → code + password → « Valider »."""

from __future__ import annotations

from loguru import logger

from bot.errors import CodeNotProvided, CredentialsRejected
from bot.otp import CodeSource
from flows.code_password import CodePasswordScreen
from flows.context import FlowContext
from flows.home import HomeScreen
from flows.identifier import IdentifierScreen
from flows.interface import InterfaceScreen

# The sandbox, like the real portal, ends an attempt after 3 wrong codes; we stop one short.
MAX_CODE_TRIES = 2


def login(ctx: FlowContext, url: str, identifier: str, password: str, codes: CodeSource,
          *, max_code_tries: int = MAX_CODE_TRIES) -> InterfaceScreen:
    logger.info("Ouverture du portail {}", url)
    home = HomeScreen(ctx).open(url)
    identifier_screen = home.choose_otp()
    logger.info("Envoi de l'identifiant : le portail envoie un code par SMS.")
    code_screen = identifier_screen.submit_identifier(identifier)
    for attempt in range(1, max_code_tries + 1):
        code = codes.get(again=attempt > 1)
        logger.info("Code saisi, validation en cours.")
        screen = code_screen.validate(code, password)
        if isinstance(screen, InterfaceScreen):
            screen.shot("espace-affilie")
            logger.info("Espace affilié atteint.")
            return screen
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
        # Back on the identifier screen or home: the portal ended the attempt.
        text = screen.error_text() or ""
        shot = screen.shot("tentative-terminee")
        if screen.classify(text) == "expired":
            raise CodeNotProvided(
                f"Le code a expiré avant d'être validé (« {text} »). Relancez la connexion et saisissez "
                "le nouveau code dès sa réception.", screenshot=shot)
        raise CredentialsRejected(
            f"Le portail a mis fin à la tentative de connexion (« {text or 'aucun message'} »). "
            "Vérifiez vos identifiants avant de réessayer.", screenshot=shot)
    raise AssertionError("unreachable")  # the loop always returns or raises
