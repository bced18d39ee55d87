"""Waiting for a condition outside any page (files, a process's output, the sandbox's memory)."""

from __future__ import annotations

import time


def wait_until(predicate, timeout: float = 60):
    """Polls `predicate` until it returns something true, and returns that; never a fixed delay."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def sms_code(sandbox, after: int = 0) -> str:
    """The code of the next SMS the sandbox sends, once there are more than `after`."""
    return wait_until(lambda: len(sandbox.outbox.all()) > after and sandbox.outbox.all()[-1].code)
