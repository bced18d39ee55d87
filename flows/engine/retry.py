"""Retry rules within one run. Only transient failures (connection reset, 502/503/504, a portal
that did not answer) are retried, a few times with growing pauses, and only before the SMS is
requested: the page that sends the SMS is never submitted again automatically."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from loguru import logger

from bot.errors import PortalUnavailable

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff: float = 5.0  # seconds before the 2nd attempt; doubled each time
    sleep: Callable[[float], None] = time.sleep

    def run(self, action: Callable[[], T], budget: Callable[[], float] = lambda: float("inf")) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return action()
            except PortalUnavailable as exc:
                pause = self.backoff * 2 ** (attempt - 1)
                if not exc.transient or attempt == self.attempts or pause >= budget():
                    raise
                logger.warning(
                    "Portail indisponible (essai {}/{}) : nouvel essai dans {:.0f} s.", attempt, self.attempts, pause
                )
                self.sleep(pause)  # a deliberate pause between attempts, not a wait for a page
        raise AssertionError("unreachable")
