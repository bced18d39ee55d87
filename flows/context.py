"""What every page object needs: the page, the recorder, the timeouts, the selector folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, Response

from bot.audit.recorder import Recorder

MARK = "__damancomBotDocument"


@dataclass
class FlowContext:
    page: Page
    recorder: Recorder
    action_timeout: float = 30.0  # seconds
    navigation_timeout: float = 60.0
    selectors_dir: Path | None = None
    last_document: Response | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(self.action_timeout * 1000)
        self.page.set_default_navigation_timeout(self.navigation_timeout * 1000)
        self.page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.last_document = response

    # A submit either replaces the document (classic forms, redirects) or not at all:
    # a marker on the old window tells the two apart without guessing a delay.
    def mark_document(self) -> None:
        self.page.evaluate(f"window.{MARK} = true")

    def wait_new_document(self) -> None:
        self.page.wait_for_function(f"() => window.{MARK} === undefined",
                                    timeout=self.navigation_timeout * 1000, polling=100)
        self.page.wait_for_load_state("domcontentloaded")
