"""One login run: find and start the browser, walk the OTP path, read the interface, log out."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from bot import browser as browsers
from bot.config import Settings
from bot.errors import BrowserNotFound, UnexpectedPage
from bot.otp import CodeSource
from bot.recorder import Recorder
from flows.context import FlowContext
from flows.interface import InterfaceSummary
from flows.login import login
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


def run_login(settings: Settings, codes: CodeSource, recorder: Recorder, *, headless: bool,
              browser=None) -> LoginResult:
    """`browser` may be given (tests share one); otherwise one is found and started for this run."""
    if browser is None:
        with started_browser(settings, headless=headless) as (own, label):
            return _run(settings, codes, recorder, own, label)
    return _run(settings, codes, recorder, browser, "navigateur fourni")


def _run(settings: Settings, codes: CodeSource, recorder: Recorder, browser, label: str) -> LoginResult:
    started = time.monotonic()
    context = browser.new_context(**CONTEXT_OPTIONS)  # never saved: it would hold the session cookies
    try:
        page = context.new_page()
        ctx = FlowContext(page, recorder, settings.action_timeout, settings.navigation_timeout, settings.selectors_dir)
        try:
            interface = login(ctx, settings.url, settings.identifier, settings.password, codes)
            summary = interface.summary()
            interface.logout()
        except PlaywrightError as exc:
            # Timeouts and page errors not foreseen by a page object: the screen is not what we expect.
            shot = recorder.try_screenshot(page, "echec")
            raise UnexpectedPage("étape suivante", page.url, page_title(page), shot, str(exc).splitlines()[0]) from None
        return LoginResult(summary, recorder, time.monotonic() - started, label)
    finally:
        context.close()
