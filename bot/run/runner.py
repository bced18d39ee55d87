"""One login run: find and start the browser, walk the login path, read the interface, log out.

Around it: the lockout guard (no try once the portal has refused too often), the audit trail's
failure evidence and closing line with its reports, and the end-of-run notification.
"""

from __future__ import annotations

import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Iterator

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from bot.audit import snapshot
from bot.audit.recorder import Recorder
from bot.audit.report import write_reports
from bot.errors import (
    AccountBusy,
    BotError,
    BrowserFailed,
    BrowserRefused,
    CredentialsRejected,
    UnexpectedPage,
    UnreadRefusal,
)
from bot.exit_codes import ExitCode
from bot.handover.session import HandOver
from bot.ledger import ledger
from bot.output.playwright_fr import browser_failed, first_line, in_french
from bot.output.system_fr import why
from bot.run import browser as browsers
from bot.run import selector_memory
from bot.run.lockout import AccountLocked, LockoutGuard, portal_key
from bot.run.window_memory import WindowMemory
from bot.settings.config import Settings
from bot.system import clock, state_paths
from bot.system.files import key_name
from bot.system.locks import exclusive
from flows import affiliates, filing
from flows.engine.context import FlowContext
from flows.engine.retry import RetryPolicy
from flows.engine.screen import page_title
from flows.interface import InterfaceSummary
from flows.login import login, login_eid, logout

CONTEXT_OPTIONS = {"locale": "fr-FR", "timezone_id": "Africa/Casablanca", "viewport": {"width": 1280, "height": 900}}


@dataclass
class LoginResult:
    summary: InterfaceSummary
    recorder: Recorder
    seconds: float
    browser: str


class Browsers:
    """The run's browser, and a headless one on demand: Chromium prints PDFs only headless.
    `open_window()` replaces a refused headless browser by a visible window."""

    def __init__(self, playwright, choice: browsers.BrowserChoice, main, headless: bool, screens: ExitStack):
        self.playwright, self.choice, self.main, self.headless = playwright, choice, main, headless
        self._screens = screens  # the Xvfb of a visible window, when this computer has no screen
        self._printer = None

    @property
    def label(self) -> str:
        return self.choice.describe() + ("" if self.headless else ", fenêtre visible")

    def printer(self):
        if self.headless:
            return self.main
        if self._printer is None:
            self._printer = browsers.launch(self.playwright, self.choice, headless=True)
        return self._printer

    def no_window_reason(self) -> str | None:
        return browsers.no_window_reason(self.choice.how)

    def open_window(self) -> None:
        """The same run goes on in a visible window of the person's own Chrome or Edge (the same
        browser otherwise); the refused headless one stays, to print the PDF report."""
        choice = browsers.own_browser(self.choice)
        env = self._screens.enter_context(browsers.window_screen())
        window = _launched(self.playwright, choice, headless=False, env=env)
        refused, self.main, self.choice, self.headless = self.main, window, choice, False
        self._printer = refused  # still headless: it prints the PDF report

    def close(self, *, quietly: bool = False) -> None:
        """`quietly` after a failure: an interrupt that landed inside a browser call can leave the
        driver's connection broken, and closing must not replace the first failure with its own."""
        for browser in (self._printer, self.main):
            if browser is None:
                continue
            try:
                browser.close()
            except PlaywrightError as exc:
                if not quietly:
                    raise
                logger.debug("Fermeture du navigateur après l'échec : {}", str(exc).splitlines()[0])


def _launched(playwright, choice: browsers.BrowserChoice, *, headless: bool, env=None):
    try:
        return browsers.launch(playwright, choice, headless=headless, env=env)
    except PlaywrightError as exc:
        raise browsers.launch_failed(choice, exc) from None


@contextmanager
def started_browser(settings: Settings, *, headless: bool) -> Iterator[Browsers]:
    from bot.run.driver_start import sync_playwright

    with sync_playwright() as playwright, ExitStack() as screens:
        choice = browsers.find(playwright, settings.browser)
        env = None if headless else screens.enter_context(browsers.window_screen())
        browser = _launched(playwright, choice, headless=headless, env=env)
        logger.debug("Navigateur : {}", choice.describe())
        own = Browsers(playwright, choice, browser, headless, screens)
        try:
            yield own
        except BaseException:
            own.close(quietly=True)
            raise
        own.close()


def run_login(
    settings: Settings,
    person: HandOver,
    recorder: Recorder,
    *,
    headless: bool,
    browser=None,
    guard: LockoutGuard | None = None,
    task=None,
) -> LoginResult:
    """`browser` may be given (tests share one); otherwise one is found and started for this run.
    `task(interface, summary, ctx, person, settings) -> summary` runs once logged in, before logout
    (filing the declaration, or leaving the browser to the person)."""
    guard = guard or LockoutGuard(settings.state_dir, settings.lockout_after)
    try:
        with account_lock(settings):
            return _locked_run(settings, person, recorder, headless, browser, guard, task)
    finally:
        person.close()


def account_lock(settings: Settings):
    """One run per portal identifier at a time, across processes and aliases (a scheduled run and a typed `login`)."""
    return exclusive(
        settings.state_dir / state_paths.LOCKS / f"{key_name(portal_key(settings))}.lock",
        f"Une autre connexion est déjà en cours pour le compte {settings.account} "
        "(planificateur ou autre terminal). Attendez qu'elle se termine.",
        AccountBusy,
    )


def _locked_run(
    settings: Settings, person: HandOver, recorder: Recorder, headless: bool, browser, guard: LockoutGuard, task
) -> LoginResult:
    try:
        guard.check(portal_key(settings), settings.account)
        if browser is None:
            with started_browser(settings, headless=_headless(settings, headless, person)) as own:
                result = _audited_run(settings, person, recorder, own, task)
        else:
            result = _audited_run(settings, person, recorder, _given(browser, settings, headless, person), task)
    except AccountLocked as exc:
        _close_trail(recorder, exc.exit_code, exc.message)
        person.notifier.send("Damancom : connexions suspendues", exc.message)
        raise
    except CredentialsRejected as exc:
        count = guard.rejected(portal_key(settings))
        if count >= guard.limit:
            exc.message = guard.suspended(exc, count, settings.account)
        person.notifier.send("Damancom : connexion refusée", exc.message)
        raise
    except BotError as exc:
        _close_trail(recorder, exc.exit_code, exc.message)  # a failure before the browser: still recorded
        if not quiet_failure(exc, person):
            person.notifier.send(
                f"Damancom : échec de la connexion (code {int(exc.exit_code)})",
                exc.message,
                attach=run_reports(recorder),
            )
        raise
    guard.succeeded(portal_key(settings))
    person.notifier.send(
        "Damancom : connexion réussie",
        f"Espace affilié atteint pour le compte {settings.account} ({result.seconds:.0f} s). "
        f"Rapport : {recorder.folder}",
        attach=run_reports(recorder),
    )
    return result


def quiet_failure(exc: BotError, person: HandOver) -> bool:
    """Unattended runs say nothing when the portal is merely down (the scheduler tries again and
    keeps count), nor when no SMS was sent because nobody answered or the person declined (they
    were asked; the scheduler tells them when it tries next)."""
    if not person.unattended:
        return False
    no_sms = person.sms_at is None
    return exc.exit_code == ExitCode.UNAVAILABLE or (exc.exit_code == ExitCode.NO_CODE and no_sms)


def run_reports(recorder: Recorder) -> list:
    """What goes with the outcome message: the report (HTML), and its PDF when the run filed a declaration."""
    from bot.audit.report import HTML_NAME, PDF_NAME

    names = [HTML_NAME, PDF_NAME] if recorder.proof else [HTML_NAME]
    return [recorder.folder / name for name in names if (recorder.folder / name).is_file()]


def _given(browser, settings: Settings, headless: bool, person: HandOver):
    """A browser the caller gives: the tests' shared one, as it is; or `--all`'s shared browsers
    (bot/run/fleet_browsers.py), where an account whose portal refused invisible browsers gets a window."""
    for_run = getattr(browser, "for_run", None)
    if for_run is None:
        return _Given(browser)
    return for_run(windowed=not _headless(settings, headless, person))


class _Given:
    """A browser given by the caller (tests, `--all`'s shared one): used as it is, never replaced."""

    label = "navigateur fourni"

    def __init__(self, browser):
        self.main = browser

    def printer(self):
        return self.main

    def no_window_reason(self) -> str:
        return (
            "ce lancement partage un navigateur invisible entre plusieurs comptes (--all) : lancez ce compte "
            "seul (« --account NOM » sans --all), le bot ouvrira une fenêtre"
        )


def _audited_run(settings, person, recorder: Recorder, own, task) -> LoginResult:
    """The run, then the closing line of the audit trail with its reports, whatever happened. A
    headless browser refused by the portal's firewall: the same run goes on in a visible window."""
    outcome = (ExitCode.BUG, "Erreur inattendue dans damancom-bot.")
    context = own.main.new_context(**CONTEXT_OPTIONS)  # never saved: it would hold the session cookies
    page = context.new_page()
    try:
        try:
            result = _run(settings, person, recorder, page, own.label, task)
        except BrowserRefused as refused:
            _to_window(settings, person, recorder, own, refused)
            _close_context(context)
            context = own.main.new_context(**CONTEXT_OPTIONS)
            page = context.new_page()
            result = _run(settings, person, recorder, page, own.label, task)
        outcome = (ExitCode.OK, getattr(task, "outcome", None) or "Espace affilié atteint.")
        return result
    except BotError as exc:
        outcome = (exc.exit_code, exc.message)
        raise
    except KeyboardInterrupt:  # Ctrl-C: the trail still ends, with its report, before the French message
        outcome = (ExitCode.INTERRUPTED, "Interrompu à votre demande (Ctrl-C ou fenêtre fermée).")
        raise
    finally:
        wants_pdf = bool(getattr(task, "wants_pdf", False))  # filings keep a PDF as proof
        ended = recorder.now()  # the reports show the same end time as the manifest's last line
        recorder.finish(
            outcome[0],
            outcome[1],
            ended=ended,
            reports=_reports(recorder, page, own.printer, outcome, wants_pdf, ended),
        )
        _close_context(context)


def _close_context(context) -> None:
    try:
        context.close()
    except Exception as exc:  # noqa: BLE001 - a browser already gone: the run's own outcome matters more
        logger.debug("Fermeture du contexte : {}", first_line(exc))


# a portal that refuses headless browsers ------------------------------------------------
def _headless(settings: Settings, headless: bool, person: HandOver) -> bool:
    """Headless, unless this account's portal refused a headless browser before and a window can be
    opened here; DAMANCOM_HEADLESS set by the person wins."""
    if not headless or settings.headless_chosen:
        return headless
    since = WindowMemory(settings.state_dir).noted(portal_key(settings))
    how = browsers.from_override(settings.browser).how if settings.browser else "local"
    if since is None or browsers.no_window_reason(how) is not None:
        return headless
    _say(
        person,
        f"Le portail refuse les navigateurs invisibles (constaté le {since}) : le bot ouvre directement une "
        "fenêtre visible de votre navigateur. Laissez-la ouverte : le bot la ferme à la fin.",
    )
    return False


def _to_window(settings: Settings, person: HandOver, recorder: Recorder, own, refused: BrowserRefused) -> None:
    """Opens a visible window for the rest of the run, or raises the refusal with what to do."""
    if not refused.headless:
        raise refused
    WindowMemory(settings.state_dir).remember(portal_key(settings), refused.reference)
    reason = _no_window(settings, person, own)
    if reason:
        raise BrowserRefused(
            f"{refused.message} Le bot ne peut pas en ouvrir une ici : {reason}. Il ne réessaiera pas seul d'ici là.",
            headless=True,
            reference=refused.reference,
            screenshot=refused.screenshot,
        ) from None
    reference = f" (référence {refused.reference})" if refused.reference else ""
    _say(
        person,
        f"Le pare-feu du portail refuse les navigateurs invisibles{reference} : le bot continue tout de suite "
        "dans une fenêtre visible de votre navigateur, et les prochaines connexions de ce compte l'ouvriront "
        "directement. Laissez-la ouverte : le bot la ferme à la fin.",
    )
    own.open_window()
    recorder.record("fenetre-visible", outcome="ok", browser=own.label, reference=refused.reference)


def _no_window(settings: Settings, person: HandOver, own) -> str | None:
    if settings.headless_chosen:
        return (
            "vous avez demandé un navigateur invisible (DAMANCOM_HEADLESS) : retirez ce réglage ou mettez-le à 0, "
            "puis relancez"
        )
    if person.sms_at is not None:  # never a second SMS for one try
        return (
            "un code SMS a déjà été demandé pendant cet essai : relancez, la connexion ouvrira directement une fenêtre"
        )
    return own.no_window_reason()


def _snapshot(recorder: Recorder, page, exc: BotError, settings: Settings) -> None:
    """The portal surprised the bot (a screen it does not know, a refusal): a sanitized snapshot of
    the page for the « rapport de portail » (`bot/audit/snapshot.py`). A refusal it could read (a
    firewall, abroad, maintenance) is no surprise: its screenshot and HTML evidence are enough."""
    if exc.exit_code == ExitCode.SCREENS_CHANGED or isinstance(exc, UnreadRefusal):
        from flows.engine.found import strategies_found

        snapshot.keep(
            recorder,
            page,
            exit_code=exc.exit_code,
            message=exc.message,
            screens=lambda page: strategies_found(page, settings.selectors_dir),
        )


def _firewall_page(ctx: FlowContext) -> BrowserRefused | None:
    from flows.portal import refused
    from flows.unavailable import RefusalPage

    refusal = RefusalPage(ctx).read()
    return refused(ctx, refusal, "page de refus") if refusal.kind == "firewall" else None


def _say(person: HandOver, text: str) -> None:
    logger.info(text)
    person.say(text)


def _reports(recorder: Recorder, page, printer, outcome, pdf: bool, ended) -> list:
    """report.html always; report.pdf for filings, printed in the run's own page when it can
    (headless, page still usable), else in a fresh one."""
    if not pdf:
        try:
            return write_reports(recorder.folder, None, outcome, pdf=False, ended=ended)
        except OSError as exc:
            _report_failed("HTML", exc)
            return []
    try:
        if printer() is page.context.browser:
            return write_reports(recorder.folder, page, outcome, ended=ended)
    except Exception as exc:  # noqa: BLE001 - a report failure must not hide the run's outcome
        _report_failed("page de l'exécution", exc)
    try:
        context = printer().new_context()
        try:
            return write_reports(recorder.folder, context.new_page(), outcome, ended=ended)
        finally:
            context.close()
    except Exception as exc:  # noqa: BLE001
        _report_failed("nouvelle page", exc)
    return []


def _report_failed(where: str, exc: Exception) -> None:
    logger.debug("Rapport non produit ({}) : {}", where, first_line(exc))
    logger.warning("Rapport non produit ({}) : {}.", where, why(exc) if isinstance(exc, OSError) else in_french(exc))


def _close_trail(recorder: Recorder, code: int, message: str) -> None:
    if not recorder.finished:
        recorder.finish(code, message)


def hand_over_browser(interface, summary, ctx, person: HandOver, settings: Settings):
    """A task for headed runs: while the period is « À déclarer », the browser is the person's and
    the bot watches for « Déclarée »."""
    period = ctx.recorder.period
    if summary.state_of(period) != "to_declare":
        return summary
    label = summary.row_of(period)[0]
    text = (
        f"La période {period} est « À déclarer » : la fenêtre du navigateur est à vous pour la déposer. "
        f"Le bot attend qu'elle apparaisse « Déclarée » dans l'espace affilié "
        f"(jusqu'à {settings.declare_wait / 60:.0f} min)."
    )
    person.say(text)
    person.notifier.send(f"Damancom : déclaration {period} à déposer", text)
    if filing.wait_declared(interface, label, settings.declare_wait):
        logger.info("Période {} vue « Déclarée ».", period)
        return interface.summary()
    logger.warning("Période {} toujours « À déclarer » à la fin de l'attente.", period)
    return summary


def _note_stage(settings: Settings, stage: str, accounts=None) -> None:
    """The scheduler's attempt learns, before the click, that an SMS may go out (write-ahead: when
    that cannot be written, nothing is sent). That the code step ended only relaxes the next try.
    `accounts`: whose attempts the login serves (a « compte groupe »'s employers), else the run's."""
    try:
        for account in accounts or [settings.account]:
            ledger.note_stage(settings.state_dir, account, stage, clock.now())
    except BotError as exc:
        if stage == ledger.SMS_POSSIBLE:
            raise
        logger.warning("Registre non mis à jour après la connexion : {}", exc.message)


def _run(settings: Settings, person: HandOver, recorder: Recorder, page, label: str, task=None) -> LoginResult:
    started = time.monotonic()
    context = page.context
    recorder.watch(page)
    clock.watch_portal(page, settings.state_dir, settings.url)  # the machine's clock vs the portal's
    selector_memory.recall(settings.state_dir, settings.url)
    tracing = False
    try:
        ctx = FlowContext(
            page,
            recorder,
            settings.action_timeout,
            settings.navigation_timeout,
            settings.selectors_dir,
            deadline=started + settings.run_budget,
        )
        retry = RetryPolicy(settings.retries, settings.retry_backoff)
        served = getattr(task, "accounts", None)  # bot/run/group.py: the employers this login serves
        try:
            if settings.auth == "eid":
                interface = login_eid(ctx, settings.url, person, settings.code_wait, retry)
            else:
                interface = login(
                    ctx,
                    settings.url,
                    settings.identifier,
                    settings.password,
                    person,
                    retry=retry,
                    before_identifier=lambda: _note_stage(settings, ledger.SMS_POSSIBLE, served),
                )
                _note_stage(settings, ledger.CODE_STEP_DONE, served)
            # a « compte groupe »: its list, then the affiliate chosen (or the list, for a group's run)
            interface = affiliates.arrive(
                ctx, interface, settings.affiliation, keep_list=bool(getattr(task, "group_space", False))
            )
            if settings.trace:  # only now: a trace records typed values, so never during login
                context.tracing.start(screenshots=True, snapshots=True)
                tracing = True
            summary = interface.summary()
            recorder.record(
                "espace-lu",
                employer=summary.employer or "",
                affiliation=summary.affiliation or "",
                state=summary.state_of(recorder.period) or "absent",
            )
            if task is not None:
                summary = task(interface, summary, ctx, person, settings)
            logout(ctx, interface)
        except PlaywrightError as exc:
            logger.debug("Erreur de Playwright : {}", first_line(exc))  # its English stays in the log
            if browser_failed(exc):  # the browser broke off: no screen to blame, nothing to change
                raise BrowserFailed(
                    "Le navigateur s'est arrêté ou ne répond plus pendant l'exécution : ce n'est pas "
                    "le portail. Réessayez ; si cela se répète, lancez « damancom-bot doctor »."
                ) from None
            # Timeouts and page errors not foreseen by a page object: the screen is not what we expect.
            shot = recorder.try_screenshot(page, "echec")
            recorder.failure_evidence(page)
            unexpected = UnexpectedPage("étape suivante", page.url, page_title(page), shot, in_french(exc))
            _snapshot(recorder, page, unexpected, settings)
            raise unexpected from None
        except BotError as exc:
            recorder.failure_evidence(page)
            firewall = _firewall_page(ctx) if exc.exit_code == ExitCode.SCREENS_CHANGED else None
            if firewall is not None:  # a firewall page after some step: not a screen that changed
                raise firewall from None
            _snapshot(recorder, page, exc, settings)
            raise
        return LoginResult(summary, recorder, time.monotonic() - started, label)
    finally:
        selector_memory.keep(settings.state_dir, settings.url)
        if tracing:
            trace = recorder.folder / "trace.zip"
            context.tracing.stop(path=str(trace))
            recorder.add_file(trace, "trace-apres-connexion")
