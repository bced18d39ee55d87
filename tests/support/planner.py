"""The planner with a simulated clock and scripted outcomes (no bot runs), for the schedule tests."""

from __future__ import annotations

import random
from datetime import datetime

from bot.ledger import ledger as L
from bot.output.notify import Notifier
from bot.schedule.plan import Plan
from bot.schedule.service import Planner
from bot.settings.config import Settings


class Clock:
    """Time as the test says it is; `clock.now = …` moves it."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def make(tmp_path, outcomes, start, plan=Plan(), account: str = "PHARMA-1"):
    """(planner, clock, runs): each attempt takes the next outcome (or calls it with the period)."""
    clock = Clock(start)
    runs = []

    def run(period):
        runs.append((period, clock.now))
        outcome = outcomes.pop(0)
        return outcome(period) if callable(outcome) else outcome

    planner = Planner(
        Settings(account=account, state_dir=tmp_path),
        plan,
        L.Ledger(tmp_path),
        Notifier([]),
        run=run,
        now=clock,
        rng=random.Random(3),
    )
    return planner, clock, runs
