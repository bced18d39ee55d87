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


def sms_code(sandbox, after: int = 0, bot=None, timeout: float = 90) -> str:
    """The code of the next SMS the sandbox sends, once there are more than `after`. With `bot` (a
    `BotProcess`), a bot that ends before any SMS fails the wait at once, with what it printed."""

    def sent() -> str | None:
        if len(sandbox.outbox.all()) > after:
            return sandbox.outbox.all()[-1].code
        if bot is not None and bot.process.poll() is not None:
            code = bot.finish()
            raise AssertionError(f"the bot ended (exit {code}) before any SMS:\n{bot.out[-1500:]}\n{bot.err[-3000:]}")
        return None

    return wait_until(sent, timeout)
