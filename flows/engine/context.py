"""What every page object needs: the page, the recorder, the timeouts, the selector folder, and
the watchers a step reads (network, portal messages, overlays)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from playwright.sync_api import Page

from bot.audit.recorder import Recorder
from bot.errors import PortalUnavailable
from flows.engine.interstitials import Interstitials
from flows.engine.messages import MessageWatch
from flows.engine.network import NetworkWatch


@dataclass(frozen=True)
class Anywhere:
    """What may show after any action, whatever the flow's table expects (`flows/portal_map.py`)."""

    down: Sequence[type] = ()  # screens shown instead of any other when the portal cannot serve (`text()`)
    overlays: str = "interstitials"  # the selector file of what lies over a screen, closed by the steps
    # a page answered to a background request (ctx, its HTML, « erreur 403 »): the error its words say, or None
    refused: Callable[..., Exception | None] | None = None


def _portal_anywhere() -> Anywhere:
    from flows.portal_map import ANYWHERE  # the map knows the screens; the engine only reads it

    return ANYWHERE


@dataclass
class FlowContext:
    page: Page
    recorder: Recorder
    action_timeout: float = 30.0  # seconds
    navigation_timeout: float = 60.0
    selectors_dir: Path | None = None
    deadline: float | None = None  # time.monotonic() when the whole run's budget is spent
    anywhere: Anywhere = field(default_factory=_portal_anywhere)
    network: NetworkWatch = field(init=False, repr=False)
    messages: MessageWatch = field(init=False, repr=False)
    interstitials: Interstitials = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(self.action_timeout * 1000)
        self.page.set_default_navigation_timeout(self.navigation_timeout * 1000)
        self.network = NetworkWatch(self.page)
        self.messages = MessageWatch(self.page, self.selectors_dir)
        self.interstitials = Interstitials(self.page, self.recorder, self.selectors_dir, self.anywhere.overlays)

    def remaining(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def check_budget(self) -> None:
        if self.remaining() <= 0:
            shot = self.recorder.try_screenshot(self.page, "duree-depassee")
            raise PortalUnavailable(
                "L'exécution a dépassé sa durée maximale (DAMANCOM_RUN_BUDGET) : le portail est trop lent "
                "aujourd'hui. Réessayez plus tard, de préférence le soir.",
                screenshot=shot,
            )

    def stop_loading(self) -> None:
        """After a navigation timed out: a page still loading cannot even be screenshotted."""
        try:
            self.page.context.new_cdp_session(self.page).send("Page.stopLoading")
        except Exception:  # noqa: BLE001 - not Chromium, or already gone: nothing to stop
            pass
