"""The scheduler and a « compte groupe »: the employers one login reaches are tried together.

Each employer keeps its own Planner (its plan, ledger rows, notifications). When one of them is
due, one child process logs in once for the whole group (`declare --all --account GROUP`, or
`login …` when no file waits) and reports every employer's outcome; the others' attempts, due in
the same tick or a few minutes later, take theirs from it instead of logging in again. Their phone
is the group's: the fleet's phone lock already makes them take turns, so the first one's child
has finished when the next one looks.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable

from bot.schedule.attempt import Outcome

FRESH = 15 * 60.0  # seconds an employer's outcome from its group's run answers its own attempt


def share(planners: list, groups: dict[str, str], child: Callable | None = None) -> None:
    """Every member planner's `run` goes through its group's GroupAttempts (`groups`: account -> group)."""
    by_group: dict[str, GroupAttempts] = {}
    for planner in planners:
        name = groups.get(planner.account)
        if not name:
            continue
        attempts = by_group.setdefault(name, GroupAttempts(name, planner.settings, child))
        attempts.members.append(planner.account)
        planner.run = attempts.runner(planner.account)


class GroupAttempts:
    def __init__(self, group: str, settings, child: Callable | None = None, clock=time.monotonic):
        self.group, self.clock = group, clock
        self.members: list[str] = []
        self._child = child or (
            lambda period: run_group_attempt(period, group, self.members, timeout=settings.run_budget + 120)
        )
        self._lock = threading.Lock()
        self._ready: dict[tuple[str, str], tuple[float, Outcome]] = {}

    def runner(self, account: str) -> Callable[[str], Outcome]:
        return lambda period: self.run(account, period)

    def run(self, account: str, period: str) -> Outcome:
        with self._lock:
            kept = self._ready.pop((account, period), None)
            if kept is not None and self.clock() - kept[0] <= FRESH:
                return kept[1]
            outcomes = self._child(period)
            now = self.clock()
            self._ready = {(name, period): (now, o) for name, o in outcomes.items() if name != account}
            return outcomes.get(account) or Outcome(
                1, None, None, f"Le compte groupe {self.group} n'a rien dit de ce compte (voir le journal)."
            )


def run_group_attempt(
    period: str, group: str, members: list[str], *, timeout: float | None, environ: dict | None = None
) -> dict[str, Outcome]:
    """`damancom-bot declare --all --account GROUP --unattended`: one login for the group; each
    employer without a waiting file only has its space read (bot/run/group.py)."""
    from bot.schedule.attempt import child_environment
    from bot.schedule.batch import child_outcomes

    command = [sys.executable, "-m", "bot", "declare", "--all", "--account", group, "--unattended", "--period", period]
    too_long = "L'essai du compte groupe a dépassé sa durée maximale et a été arrêté."
    return child_outcomes(command, members, timeout, environ or child_environment(), too_long)
