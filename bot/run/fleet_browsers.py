"""The browsers every account of a `--all` run shares, all through one Playwright driver
(bot/run/driver.py): the invisible one, and a visible one, opened the first time an account needs a
window (its portal refused invisible browsers: bot/run/window_memory.py). Each account's run gets
its own context, in one or the other."""

from __future__ import annotations

import threading
from contextlib import ExitStack, contextmanager
from typing import Callable, Iterator

from loguru import logger

from bot.errors import BrowserNotFound
from bot.run import browser as browsers


class FleetBrowsers:
    def __init__(self, driver, connect: Callable, settings, screens: ExitStack):
        self.driver, self._connect, self._screens = driver, connect, screens
        self._override = settings.browser
        self.how = browsers.from_override(settings.browser).how if settings.browser else "local"
        self._lock = threading.Lock()
        self._invisible = None
        self._window = None
        self._window_choice: browsers.BrowserChoice | None = None
        self._window_env: dict | None = None
        self._screen = False

    def invisible(self):
        """The shared invisible browser, connected again if it went away."""
        with self._lock:
            if self._invisible is None or not self._invisible.is_connected():
                try:
                    self._invisible = self.driver.call(self._connect, self.driver.playwright)
                except Exception as exc:  # noqa: BLE001
                    message = str(exc).splitlines()[0]
                    raise BrowserNotFound(f"Connexion au navigateur partagé impossible : {message}") from None
            return self._invisible

    def window(self):
        """The shared visible browser (each account a window of its own), started once."""
        with self._lock:
            if self._window is None or not self._window.is_connected():
                if not self._screen:  # an Xvfb when this computer has no screen, started here: not on the loop
                    self._window_env, self._screen = self._screens.enter_context(browsers.window_screen()), True
                self._window = self.driver.call(self._open_window, self._window_env)
            return self._window

    def _open_window(self, env):
        playwright = self.driver.playwright
        choice = browsers.own_browser(browsers.find(playwright, self._override))
        try:
            window = browsers.launch(playwright, choice, headless=False, env=env)
        except Exception as exc:  # noqa: BLE001 - Playwright's error, told in French
            raise browsers.launch_failed(choice, exc) from None
        self._window_choice = choice
        logger.debug("Navigateur visible partagé : {}", choice.describe())
        return window

    def no_window_reason(self) -> str | None:
        return browsers.no_window_reason(self.how)

    def for_run(self, *, windowed: bool) -> "AccountBrowsers":
        return AccountBrowsers(self, windowed)

    def close(self) -> None:
        for browser in (self._window, self._invisible):
            if browser is None:
                continue
            try:
                browser.close()  # over CDP or a Playwright server: this run's connection only
            except Exception as exc:  # noqa: BLE001 - the browser may already be gone
                logger.debug("Fermeture du navigateur partagé : {}", str(exc).splitlines()[0])


class AccountBrowsers:
    """One account's view, shaped as a single run's (bot/run/runner.py: Browsers): `main` where its
    context opens, `printer()` for the PDF (Chromium prints only headless), `open_window()`."""

    def __init__(self, fleet: FleetBrowsers, windowed: bool):
        self.fleet, self.headless = fleet, not windowed
        self.main = fleet.window() if windowed else fleet.invisible()

    @property
    def label(self) -> str:
        if self.headless:
            return "navigateur partagé (--all)"
        choice = self.fleet._window_choice
        return (choice.describe() if choice else "navigateur partagé") + ", fenêtre visible"

    def printer(self):
        return self.fleet.invisible()

    def no_window_reason(self) -> str | None:
        return self.fleet.no_window_reason()

    def open_window(self) -> None:
        self.main, self.headless = self.fleet.window(), False


@contextmanager
def fleet_browsers(driver, connect: Callable, settings) -> Iterator[FleetBrowsers]:
    with ExitStack() as screens:  # the Xvfb of the visible browser, stopped after it
        fleet = FleetBrowsers(driver, connect, settings, screens)
        try:
            yield fleet
        finally:
            fleet.close()
