"""What every page object needs: the page, the recorder, the timeouts, the selector folder."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, Response

from bot.audit.recorder import Recorder
from bot.errors import PortalUnavailable

MARK = "__damancomBotDocument"


@dataclass
class FlowContext:
    page: Page
    recorder: Recorder
    action_timeout: float = 30.0  # seconds
    navigation_timeout: float = 60.0
    selectors_dir: Path | None = None
    deadline: float | None = None  # time.monotonic() when the whole run's budget is spent
    last_document: Response | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(self.action_timeout * 1000)
        self.page.set_default_navigation_timeout(self.navigation_timeout * 1000)
        self.page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.last_document = response

    def remaining(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def check_budget(self) -> None:
        if self.remaining() <= 0:
            shot = self.recorder.try_screenshot(self.page, "duree-depassee")
            raise PortalUnavailable(
                "L'exécution a dépassé sa durée maximale (DAMANCOM_RUN_BUDGET) : le portail est trop lent "
                "aujourd'hui. Réessayez plus tard, de préférence le soir.", screenshot=shot)

    def stop_loading(self) -> None:
        """After a navigation timed out: a page still loading cannot even be screenshotted."""
        try:
            self.page.context.new_cdp_session(self.page).send("Page.stopLoading")
        except Exception:  # noqa: BLE001 - not Chromium, or already gone: nothing to stop
            pass

    # A submit either replaces the document (classic forms, redirects) or not at all:
    # a marker on the old window tells the two apart without guessing a delay.
    def mark_document(self) -> None:
        self.page.evaluate(f"window.{MARK} = true")

    def wait_new_document(self) -> None:
        self.page.wait_for_function(f"() => window.{MARK} === undefined",
                                    timeout=self.navigation_timeout * 1000, polling=25)
        self.page.wait_for_load_state("domcontentloaded")
