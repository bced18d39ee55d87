"""The scheduler for several accounts: one process, one ledger, one Planner per account.

Each account keeps its own plan (its windows and deadline overrides from the accounts file), its
own notifications and its own attempts (a child `damancom-bot … --account NAME`). A tick looks at
every account at once; attempts wait for a slot so that never more than DAMANCOM_PARALLEL logins
(hence SMS codes waiting for a person) are under way together, and accounts whose codes go to one
phone take turns (bot/handover/phone_turn.py): their SMS never arrive together.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Callable

from loguru import logger

from bot.schedule import heartbeat


class FleetPlanner:
    def __init__(
        self,
        planners: list,
        parallel: int,
        now: Callable[[], datetime] | None = None,
        groups: dict[str, str] | None = None,
    ):
        """`groups`: account -> its « compte groupe », whose employers are tried in one login."""
        self.planners = planners
        self.parallel = parallel
        self.ledger = planners[0].ledger
        self.settings = planners[0].settings
        self.now = now or planners[0].now
        self.slots = threading.BoundedSemaphore(parallel)
        self._phones: dict[str, threading.Lock] = {}
        self._phones_lock = threading.Lock()
        if groups:
            from bot.schedule import group

            group.share(planners, groups)
        for planner in planners:
            planner.beats = False  # the heartbeat is written once per tick, here
            planner.run = self._gated(planner.run, planner.settings)

    def _gated(self, run: Callable, settings) -> Callable:
        def gated(period: str):
            with self._phone(settings), self.slots:  # the phone first: waiting for it holds no slot
                return run(period)

        return gated

    def _phone(self, settings) -> threading.Lock:
        """The lock of the phone this account's codes go to (known better after each login)."""
        from bot.handover.phone_turn import key

        with self._phones_lock:
            return self._phones.setdefault(key(settings), threading.Lock())

    def tick(self) -> list[str]:
        """Every account's tick, concurrently; returns the periods tried (« account/period »)."""
        try:
            heartbeat.ticked(self.settings.state_dir, self.now())
        except OSError as exc:
            logger.warning("État du planificateur non écrit : {}", exc)
        tried: dict[str, list[str]] = {}

        def one(planner) -> None:
            tried[planner.account] = planner.tick()

        threads = [
            threading.Thread(target=one, args=(p,), name=f"plan-{p.account}", daemon=True) for p in self.planners
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [f"{account}/{period}" for account, periods in tried.items() for period in periods]

    def recover(self) -> list[str]:
        lines: list[str] = []
        for planner in self.planners:
            lines += planner.recover(only_mine=True)
        return lines
