"""The login paths; which screens may follow which action is in the portal's map (`flows/portal_map.py`).

OTP: home (→ the way in when the choice is not on it, ranked by meaning, or the authentication's
known address) → « S'authentifier avec OTP » → identifier → code + password (or the password on
its own screen, then the code) → « Valider ». e-ID: home → « S'authentifier avec e-ID » → QR code
approved on the phone.
"""

from __future__ import annotations

from typing import Callable, Protocol

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from bot.errors import (
    CodeNotProvided,
    CodeRefused,
    CredentialsRejected,
    PortalUnavailable,
    SessionLost,
    UnexpectedPage,
)
from bot.output.playwright_fr import first_line, in_french
from flows.code_password import CodePasswordScreen, PersonDid
from flows.code_step import CodeStep, typed_answer
from flows.engine import learned
from flows.engine.context import FlowContext
from flows.engine.retry import RetryPolicy
from flows.engine.step import After, act, go, wait_for
from flows.group import GroupScreen
from flows.home import EntryScreen, HomeScreen
from flows.identifier import IdentifierScreen
from flows.interface import InterfaceScreen
from flows.password import CodeAloneScreen, PasswordScreen
from flows.portal import open_portal
from flows.portal_map import (
    AFTER_EID_APPROVAL,
    AFTER_EID_CHOICE,
    AFTER_ENTRY,
    AFTER_IDENTIFIER,
    AFTER_KNOWN_ADDRESS,
    AFTER_LOGOUT,
    AFTER_OPEN,
    AFTER_OTP_CHOICE,
    AFTER_PASSWORD,
    AFTER_VALIDER,
    SPACES,
)
from flows.question import QuestionScreen

# The sandbox, like the real portal, ends an attempt after 3 wrong codes; we stop one short.
MAX_CODE_TRIES = 2
MAX_QUESTIONS = 3  # captchas answered wrongly before giving up
HOME_CALM = 0.5  # seconds of calm after the portal's first page has loaded (a wrong guess costs a detour): open_home


class Person(Protocol):
    """The human in the loop, as the flow sees them: the whole contract (bot.handover.session.HandOver
    implements it; tests' people in tests/support/people.py)."""

    code_via: str  # the channel that handed the last code over, for the report (never the code)

    def before_sms(self) -> None: ...
    def sms_sent(self) -> None: ...
    def code_screen_shown(self, phone: str | None) -> None: ...
    def code(self, screen: CodeStep, *, again: bool = False) -> object: ...
    def question(self, picture, prompt: str, typed_in_page=None) -> str | None: ...  # None: nobody can answer
    def eid_waiting(self, qr) -> None: ...


def login(
    ctx: FlowContext,
    url: str,
    identifier: str,
    password: str,
    person: Person,
    *,
    max_code_tries: int = MAX_CODE_TRIES,
    retry: RetryPolicy = RetryPolicy(),
    before_identifier: Callable[[], None] = lambda: None,
) -> InterfaceScreen:
    """`before_identifier` runs before every click that sends the identifier (write-ahead: « an SMS
    may go out »); when it raises, nothing is sent."""
    identifier_screen = _reach(ctx, url, retry, person.before_sms, eid=False)
    try:
        return _with_code(ctx, identifier_screen, identifier, password, person, max_code_tries, before_identifier)
    except SessionLost as lost:
        # Once, and only once: a new login asks the person for a new code.
        logger.warning(
            "Session perdue par le portail ({}) : nouvelle connexion, un nouveau code sera demandé.", lost.message
        )
        identifier_screen = _reach(ctx, url, retry, None, eid=False)
        try:
            return _with_code(ctx, identifier_screen, identifier, password, person, max_code_tries, before_identifier)
        except SessionLost as again:
            raise PortalUnavailable(
                "Le portail a perdu la session deux fois de suite : il est instable. Le bot ne recommence pas ; "
                "réessayez plus tard, de préférence le soir.",
                screenshot=again.screenshot,
            ) from None


def _reach(ctx: FlowContext, url: str, retry: RetryPolicy, before_sms, *, eid: bool):
    """Home, then the login choice, retrying transient failures (no SMS is involved yet).
    `before_sms` runs once, after the portal first answered and before the choice is made."""
    gate = _once(before_sms)

    def attempt():
        logger.info("Ouverture du portail {}", url)
        home = open_home(ctx, url)
        gate()
        if eid:
            return go(ctx, home.choose_eid, home, AFTER_EID_CHOICE, "« S'authentifier avec e-ID »")
        return _choose_otp(ctx, home)

    return retry.run(attempt, ctx.remaining)


def _once(action: Callable[[], None] | None) -> Callable[[], None]:
    """`action` (or nothing) on the first call only: a retried attempt does not ask the person twice."""
    calls = iter([action] if action else [])

    def call() -> None:
        for first in calls:  # empty after the first call
            first()

    return call


def _choose_otp(ctx: FlowContext, home: HomeScreen) -> IdentifierScreen:
    """« S'authentifier avec OTP », then any extra step the person taught (`damancom-bot learn`)."""
    steps = learned.after_otp_choice(ctx)
    screen = go(ctx, home.choose_otp, home, AFTER_OTP_CHOICE + tuple(steps), "« S'authentifier avec OTP »")
    while isinstance(screen, learned.LearnedClick):
        ctx.recorder.record("etape-apprise", url=ctx.page.url, via=screen.seen)
        logger.info("Étape apprise rejouée : « {} ».", screen.seen)
        remaining = tuple(steps[steps.index(type(screen)) + 1 :])
        screen = go(ctx, screen.click, screen, AFTER_OTP_CHOICE + remaining, f"l'étape apprise « {screen.seen} »")
    return screen


def open_home(ctx: FlowContext, url: str, *, hurry: bool = True) -> HomeScreen:
    """The screen with the login choice: the portal's address, else the way in its page offers
    (ranked by meaning, one link further), else the authentication's known address.

    `hurry`: a page that has loaded, with nothing in flight, is taken as it is after HOME_CALM (not
    the whole SETTLE): the real portal's home offers no way in. When the known address then does
    not lead to the choice either, the bot comes back and gives the page its full time."""
    try:
        screen = open_portal(ctx, url, AFTER_OPEN, loaded_calm=HOME_CALM if hurry else None)
    except UnexpectedPage as nothing:  # no choice, no way in: the field's scripts go straight there
        try:
            return _known_address(ctx, url, nothing)
        except UnexpectedPage:
            if not hurry:
                raise
            logger.info("L'adresse connue ne mène pas au choix de connexion : retour à {}, laissé à se dessiner.", url)
            return open_home(ctx, url, hurry=False)
    screen.shot("accueil")
    if isinstance(screen, HomeScreen):
        return screen
    way = screen.best()
    others = [f"{w.describe()} ({w.score})" for w in screen.ranked()[:4]]
    logger.info(
        "Pas de choix de connexion sur cette page : entrée « {} » choisie parmi {}.",
        way.describe(),
        ", ".join(others) or "les sélecteurs",
    )
    try:
        screen = go(ctx, lambda: screen.enter(way), screen, AFTER_ENTRY, f"l'entrée « {way.describe()} »")
    except UnexpectedPage as lost:
        return _known_address(ctx, url, lost)
    ctx.recorder.record("entree", url=ctx.page.url, via=way.describe(), href=way.href, candidates=others)
    logger.info("Entrée de l'espace affilié suivie : « {} ».", way.describe())
    screen.shot("choix-connexion")
    return screen


def _known_address(ctx: FlowContext, url: str, failure: UnexpectedPage) -> HomeScreen:
    address = EntryScreen(ctx).known_address(url)
    if ctx.page.url.split("#")[0].rstrip("/") == address.rstrip("/"):
        raise failure  # already there: the choice is not where it is known to be
    logger.info(
        "Aucune entrée utilisable vers l'authentification ({}) : le bot va à son adresse connue {}.",
        f"page « {failure.title} »",
        address,
    )
    screen = open_portal(ctx, address, AFTER_KNOWN_ADDRESS)
    ctx.recorder.record("entree", url=ctx.page.url, via="adresse connue", href=address)
    screen.shot("choix-connexion")
    return screen


def _with_code(
    ctx: FlowContext,
    screen: IdentifierScreen,
    identifier: str,
    password: str,
    person: Person,
    max_code_tries: int,
    before_identifier: Callable[[], None],
) -> InterfaceScreen:
    logger.info("Envoi de l'identifiant : le portail envoie un code par SMS.")
    code_screen = _send_identifier(ctx, screen, identifier, person, before_identifier)
    if isinstance(code_screen, PasswordScreen):
        code_screen = _password_first(ctx, code_screen, password)
    code_screen.shot("code-demande")
    person.code_screen_shown(code_screen.masked_phone())
    for attempt in range(1, max_code_tries + 1):
        after = _one_code(ctx, code_screen, password, person, again=attempt > 1)
        if isinstance(after.screen, SPACES):
            return _arrived(after.screen)
        if isinstance(after.screen, CodePasswordScreen) or after.screen is None:
            after = _code_refused(ctx, code_screen, after, another_try=attempt < max_code_tries)
            if after.screen is not None:
                code_screen = after.screen
            continue
        _attempt_ended(after.screen, after.message or ctx.messages.wait(1.5))
    raise AssertionError("unreachable")  # the last try always returns or raises


def _send_identifier(
    ctx: FlowContext, screen: IdentifierScreen, identifier: str, person: Person, before_identifier: Callable[[], None]
) -> CodePasswordScreen | PasswordScreen:
    """The identifier sent (a captcha next to it answered by the person, asked again when refused):
    the screen asking for the code (or the password first); exit 5 only on the portal's own refusal."""
    for question_round in range(1, MAX_QUESTIONS + 1):
        screen.fill_identifier(identifier)
        asked = _ask_person_if_questioned(ctx, person)
        before_identifier()
        person.sms_sent()  # from now on a code handed over is kept, even before the next screen shows
        after = act(ctx, screen.send, expect=AFTER_IDENTIFIER, current=screen, what="l'envoi de l'identifiant")
        if (
            asked
            and isinstance(after.screen, IdentifierScreen)
            and question_round < MAX_QUESTIONS
            and QuestionScreen(ctx).is_here()
        ):
            logger.warning("Réponse à la question du portail refusée ({}) : nouvelle question.", after.message)
            screen = after.screen
            continue
        break
    if isinstance(after.screen, (CodePasswordScreen, PasswordScreen)):
        return after.screen
    shown = after.screen or screen
    after = _refusal_read(ctx, after)
    if not after.refused:  # exit 5 only on the portal's own words
        raise shown.unexpected(
            "après l'envoi de l'identifiant, le portail n'a montré ni l'écran du code ni un "
            f"refus (« {after.message or 'aucun message'} »)"
        )
    shot = shown.shot("identifiant-refuse")
    raise CredentialsRejected(
        f"Le portail n'a pas accepté l'identifiant (« {after.message or 'aucun message'} »). "
        "Vérifiez DAMANCOM_IDENTIFIER dans le fichier .env.",
        screenshot=shot,
    )


def _one_code(ctx: FlowContext, code_screen: CodePasswordScreen, password: str, person: Person, again: bool) -> After:
    """One code from the person (or what they did in the page), validated: what the portal showed next."""
    code_screen.prefill_password(password)
    code = person.code(CodeStep(ctx, code_screen), again=again)
    # who handed the code, and how: the report's first page says it (never the code itself)
    ctx.recorder.record("code-remis", via="navigateur" if isinstance(code, PersonDid) else person.code_via or "inconnu")
    if code is PersonDid.SUBMITTED:
        logger.info("Code validé dans la fenêtre du navigateur.")
        return act(ctx, None, expect=AFTER_VALIDER, current=code_screen)
    if code is PersonDid.TYPED:
        logger.info("Code saisi dans la fenêtre du navigateur, validation en cours.")
        code_screen.typed_code()
    else:
        logger.info("Code saisi, validation en cours.")
        code_screen.fill(code, password)
    return act(ctx, code_screen.send, expect=AFTER_VALIDER, current=code_screen, what="« Valider »")


def _code_refused(ctx: FlowContext, code_screen: CodePasswordScreen, after: After, another_try: bool) -> After:
    """Still on the code's screen after « Valider »: the refusal read. Returns it when another code
    may be tried; raises for a refused password, the last try, or no readable refusal."""
    after = _refusal_read(ctx, after)
    if not after.refused:
        raise (after.screen or code_screen).unexpected(
            "après « Valider », le portail est resté sur l'écran du code sans refus lisible "
            f"(« {after.message or 'aucun message'} »)"
        )
    kind = code_screen.refusal(after.message)
    shot = code_screen.shot("code-refuse")
    if kind == "wrong_password":
        raise CredentialsRejected(
            f"Le portail a refusé le mot de passe (« {after.message} »). Vérifiez DAMANCOM_PASSWORD avant de "
            "réessayer : plusieurs refus peuvent bloquer le compte.",
            screenshot=shot,
        )
    if kind in (None, "wrong_code") and another_try:
        logger.warning("Le portail a refusé le code : {}", after.message or "aucun message lisible")
        return after
    raise CodeRefused(
        f"Le portail a refusé le code (« {after.message or 'aucun message'} »). Le bot s'arrête avant la "
        "limite d'essais du portail.",
        "Relancez la connexion pour recevoir un nouveau code.",
        screenshot=shot,
    )


def _password_first(ctx: FlowContext, screen: PasswordScreen, password: str) -> CodeAloneScreen:
    logger.info("Le portail demande le mot de passe seul, avant le code.")
    screen.fill(password)
    after = act(ctx, screen.send, expect=AFTER_PASSWORD, current=screen, what="« Suivant » (mot de passe)")
    if isinstance(after.screen, CodeAloneScreen):
        return after.screen
    after = _refusal_read(ctx, after)
    shot = screen.shot("mot-de-passe-refuse")
    if after.refused and screen.classify(after.message) == "wrong_password":
        raise CredentialsRejected(
            f"Le portail a refusé le mot de passe (« {after.message} »). Vérifiez "
            "DAMANCOM_PASSWORD avant de réessayer : plusieurs refus peuvent bloquer le compte.",
            screenshot=shot,
        )
    raise screen.unexpected(
        f"après le mot de passe, l'écran du code n'est pas apparu (« {after.message or 'aucun message'} »)"
    )


def _refusal_read(ctx: FlowContext, after: After) -> After:
    """The same screen again: its refusal may be a toast drawn a moment after it."""
    if after.refused:
        return after
    said = ctx.messages.wait_said(1.5)
    return After(after.screen, said.text or after.message, ctx.messages.refuses(said))


def _ask_person_if_questioned(ctx: FlowContext, person: Person) -> bool:
    """A captcha next to the identifier: its screenshot goes to the person, who answers it."""
    question = QuestionScreen(ctx)
    if not question.is_here():
        return False
    answer = person.question(
        question.picture(), question.prompt(), typed_in_page=lambda seconds: typed_answer(ctx, question, seconds)
    )
    if answer is None:
        raise question.unexpected("le portail pose une question (captcha) et personne ne peut y répondre")
    question.answer(answer)
    return True


def login_eid(
    ctx: FlowContext, url: str, person: Person, wait: float, retry: RetryPolicy = RetryPolicy()
) -> InterfaceScreen:
    eid = _reach(ctx, url, retry, person.before_sms, eid=True)
    if isinstance(eid, SPACES):  # the phone was quicker than the bot: nothing left to show
        return _arrived(eid)
    try:
        eid.shot("eid-code-qr")
        person.eid_waiting(eid.save_qr())
    except PlaywrightError as exc:  # approved on the phone during the shot: the page is already moving on
        logger.info("L'écran e-ID a changé pendant sa capture (connexion déjà approuvée ?) : suite attendue.")
        logger.debug("Capture e-ID : {}", first_line(exc))
        person.eid_waiting(None)  # a page that reloaded, not approved: the person must still be told
    try:
        screen = wait_for(ctx, AFTER_EID_APPROVAL, timeout=wait, settle=False)
    except UnexpectedPage:
        if not eid.is_here():
            raise
        shot = eid.shot("eid-non-approuve")  # the QR still on screen after the wait: nobody approved
        raise CodeNotProvided(
            "La connexion e-ID n'a pas été approuvée dans le délai. Relancez-la quand vous aurez "
            "l'application « Identité Numérique » à portée de main.",
            screenshot=shot,
        ) from None
    if isinstance(screen, SPACES):
        return _arrived(screen)
    _attempt_ended(screen, ctx.messages.wait(1.5))
    raise AssertionError("unreachable")


def logout(ctx: FlowContext, interface: InterfaceScreen) -> bool:
    """Best effort: the session ends on the portal's side too. False when no logout control is found."""
    control = interface.logout_control()
    if control is None:
        return False
    try:
        go(ctx, lambda: interface.press(control, control, "Se déconnecter"), interface, AFTER_LOGOUT, "la déconnexion")
        ctx.recorder.screenshot(ctx.page, "deconnexion")
    except Exception as exc:  # noqa: BLE001 - a failed logout must not turn a good run into a failure
        logger.debug("Déconnexion : {}", first_line(exc))
        logger.warning("Déconnexion incomplète : {}.", in_french(exc))
        return False
    return True


def _arrived(screen: InterfaceScreen | GroupScreen) -> InterfaceScreen | GroupScreen:
    """An affiliate's space, or a « compte groupe »'s list of affiliates (flows/affiliates.py)."""
    if isinstance(screen, GroupScreen):
        screen.shot("espace-groupe")
        logger.info("Espace du compte groupe atteint : liste des affiliés.")
        return screen
    screen.shot("espace-affilie")
    logger.info("Espace affilié atteint.")
    return screen


def _attempt_ended(screen, message: str) -> None:
    """Back on the identifier screen or home: the portal ended the attempt. Always raises."""
    text = message or screen.error_text() or ""
    shot = screen.shot("tentative-terminee")
    kind = screen.classify(text)
    if kind == "session_lost":
        raise SessionLost(f"« {text} »", screenshot=shot)
    if kind == "expired":
        raise CodeNotProvided(
            f"Le code a expiré avant d'être validé (« {text} »). Relancez la connexion et saisissez "
            "le nouveau code dès sa réception.",
            screenshot=shot,
        )
    raise CredentialsRejected(
        f"Le portail a mis fin à la tentative de connexion (« {text or 'aucun message'} »). "
        "Vérifiez vos identifiants avant de réessayer.",
        screenshot=shot,
    )
