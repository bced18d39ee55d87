"""One login run: find and start the browser, walk the login path, read the interface, log out.

Around it: the lockout guard (no try once the portal has refused too often) and the end-of-run
notification.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from bot import browser as browsers
from bot.config import Settings
from bot.errors import BotError, BrowserNotFound, CredentialsRejected, UnexpectedPage
from bot.handover.session import HandOver
from bot.lockout import AccountLocked, LockoutGuard
from bot.recorder import Recorder
from flows.context import FlowContext
from flows.interface import InterfaceSummary
from flows.login import login, login_eid
from flows.screen import page_title

CONTEXT_OPTIONS = {"locale": "fr-FR", "timezone_id": "Africa/Casablanca", "viewport": {"width": 1280, "height": 900}}


@dataclass
class LoginResult:
    summary: InterfaceSummary
    recorder: Recorder
    seconds: float
    browser: str


@contextmanager
def started_browser(settings: Settings, *, headless: bool) -> Iterator[tuple[object, str]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        choice = browsers.find(playwright, settings.browser)
        try:
            browser = browsers.launch(playwright, choice, headless=headless)
        except PlaywrightError as exc:
            raise BrowserNotFound(
                f"Le navigateur choisi ({choice.describe()}) n'a pas pu démarrer : {str(exc).splitlines()[0]}. "
                + browsers.INSTALL_HINT) from None
        logger.debug("Navigateur : {}", choice.describe())
        try:
            yield browser, choice.describe()
        finally:
            browser.close()


def run_login(settings: Settings, person: HandOver, recorder: Recorder, *, headless: bool,
              browser=None, guard: LockoutGuard | None = None) -> LoginResult:
    """`browser` may be given (tests share one); otherwise one is found and started for this run."""
    guard = guard or LockoutGuard(settings.state_dir, settings.lockout_after)
    try:
        guard.check(settings.account)
        if browser is None:
            with started_browser(settings, headless=headless) as (own, label):
                result = _run(settings, person, recorder, own, label)
        else:
            result = _run(settings, person, recorder, browser, "navigateur fourni")
    except AccountLocked as exc:
        person.notifier.send("Damancom : connexions suspendues", exc.message)
        raise
    except CredentialsRejected as exc:
        count = guard.rejected(settings.account)
        extra = ""
        if count >= guard.limit:
            extra = (f" C'est le {count}e refus consécutif : le bot ne se connectera plus à ce compte avant "
                     f"« damancom-bot unlock --account {settings.account} ».")
        person.notifier.send("Damancom : connexion refusée", exc.message + extra)
        exc.message += extra
        raise
    except BotError as exc:
        person.notifier.send(f"Damancom : échec de la connexion (code {int(exc.exit_code)})", exc.message)
        raise
    finally:
        person.close()
    guard.succeeded(settings.account)
    person.notifier.send("Damancom : connexion réussie",
                         f"Espace affilié atteint pour le compte {settings.account} ({result.seconds:.0f} s).")
    return result


def _run(settings: Settings, person: HandOver, recorder: Recorder, browser, label: str) -> LoginResult:
    started = time.monotonic()
    context = browser.new_context(**CONTEXT_OPTIONS)  # never saved: it would hold the session cookies
    try:
        page = context.new_page()
        ctx = FlowContext(page, recorder, settings.action_timeout, settings.navigation_timeout, settings.selectors_dir)
        try:
            if settings.auth == "eid":
                interface = login_eid(ctx, settings.url, person, settings.code_wait)
            else:
                interface = login(ctx, settings.url, settings.identifier, settings.password, person)
            summary = interface.summary()
            interface.logout()
        except PlaywrightError as exc:
            # Timeouts and page errors not foreseen by a page object: the screen is not what we expect.
            shot = recorder.try_screenshot(page, "echec")
            raise UnexpectedPage("étape suivante", page.url, page_title(page), shot, str(exc).splitlines()[0]) from None
        return LoginResult(summary, recorder, time.monotonic() - started, label)
    finally:
        context.close()
