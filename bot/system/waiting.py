"""Waits that Ctrl-C can interrupt on Windows.

On Windows a thread waiting on a lock (Event.wait, Condition.wait) does not see Ctrl-C until the wait
ends: a wait of ten minutes holds the console for ten minutes. Every long wait here is cut into
slices, between which Python delivers KeyboardInterrupt.
"""

from __future__ import annotations

import threading
import time

SLICE = 0.5  # seconds: short enough for Ctrl-C to feel immediate, long enough to cost nothing


def slices(timeout: float | None):
    """The successive waits of at most SLICE seconds that make up `timeout` (forever when None)."""
    end = None if timeout is None else time.monotonic() + timeout
    while True:
        step = SLICE if end is None else min(SLICE, end - time.monotonic())
        if step <= 0:
            return
        yield step


class SlicedEvent(threading.Event):
    """An Event whose wait() Ctrl-C interrupts on every system (APScheduler's main loop waits on one)."""

    def wait(self, timeout: float | None = None) -> bool:
        if self.is_set():
            return True
        for step in slices(timeout):
            if self._wait_slice(step):
                return True
        return self.is_set()

    def _wait_slice(self, step: float) -> bool:
        return super().wait(step)
