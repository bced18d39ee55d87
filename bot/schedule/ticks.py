"""Ticks never overlap: APScheduler may fire a date job and the heartbeat together, and a fleet's
tick runs while one account's job fires. A tick arriving during another one makes that one look
again when it ends, so nothing due is missed and nothing is tried twice at once."""

from __future__ import annotations

import threading
from typing import Callable


class OneAtATime:
    def __init__(self) -> None:
        self._busy, self._again = threading.Lock(), False

    def run(self, tick: Callable[[], list[str]]) -> list[str]:
        """`tick()` until no other tick arrived meanwhile; [] for a tick that arrived during one."""
        if not self._busy.acquire(blocking=False):
            self._again = True
            return []
        tried: list[str] = []
        try:
            while True:
                self._again = False
                tried += tick()
                if not self._again:
                    return tried
        finally:
            self._busy.release()
