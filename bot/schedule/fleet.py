"""The scheduler for several accounts: one process, one ledger, one Planner per account.

Each account keeps its own plan (its windows and deadline overrides from the accounts file), its
own notifications and its own attempts (a child `damancom-bot … --account NAME`). A tick looks at
every account at once; attempts wait for a slot so that never more than DAMANCOM_PARALLEL logins
(hence SMS codes waiting for a person) are under way together, and accounts whose codes go to one
phone take turns (bot/handover/phone_turn.py): their SMS never arrive together.

The attempts due in one tick share one child (`--all` restricted to them: one Playwright driver
and one browser, bot/schedule/batch.py), which holds the slots and phones it needs meanwhile; a
single due account, a headed run and a « compte groupe »'s employers keep a child of their own.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import Callable, Iterator

from loguru import logger

from bot.schedule import heartbeat
from bot.schedule.attempt import Outcome, child_environment
from bot.schedule.batch import TickBatch, run_batch_attempt, waves
from bot.schedule.ticks import OneAtATime


class FleetPlanner:
    def __init__(
        self,
        planners: list,
        parallel: int,
        now: Callable[[], datetime] | None = None,
        groups: dict[str, str] | None = None,
        batch_child: Callable | None = None,
    ):
        """`groups`: account -> its « compte groupe », whose employers are tried in one login.
        `batch_child(period, accounts, settings, slots) -> {account: Outcome}`: a tick's one child."""
        self.planners = planners
        self.parallel = parallel
        self.ledger = planners[0].ledger
        self.settings = planners[0].settings
        self.now = now or planners[0].now
        self.slots = threading.BoundedSemaphore(parallel)
        self._taking = threading.Lock()  # a batch takes its slots one after another, alone
        self._phones: dict[str, threading.Lock] = {}
        self._phones_lock = threading.Lock()
        self._ticks = OneAtATime()
        self._batch: TickBatch | None = None
        self._batch_child = batch_child or self._run_batch
        if groups:
            from bot.schedule import group

            group.share(planners, groups)
        self._alone: dict[str, Callable[[str], Outcome]] = {}
        self._batched = {p.account: p for p in planners if p.batchable and not (groups or {}).get(p.account)}
        for planner in planners:
            planner.beats = False  # the heartbeat is written once per tick, here
            planner.run = self._alone[planner.account] = self._gated(planner.run, planner.settings)
            if planner.account in self._batched:
                planner.run = self._in_batch(planner.account)

    def _gated(self, run: Callable, settings) -> Callable:
        def gated(period: str):
            with self._phone(settings), self.slots:  # the phone first: waiting for it holds no slot
                return run(period)

        return gated

    def _phone(self, settings) -> threading.Lock:
        """The lock of the phone this account's codes go to (known better after each login)."""
        return self._phone_lock(self._phone_key(settings))

    def _phone_lock(self, phone: str) -> threading.Lock:
        with self._phones_lock:
            return self._phones.setdefault(phone, threading.Lock())

    @staticmethod
    def _phone_key(settings) -> str:
        from bot.handover.phone_turn import key

        return key(settings)

    def _in_batch(self, account: str) -> Callable[[str], Outcome]:
        def run(period: str) -> Outcome:
            batch = self._batch
            outcome = batch.ask(account, period) if batch is not None else None
            return outcome if outcome is not None else self._alone[account](period)

        return run

    def _launch(self, asked: dict[str, str]) -> dict[str, Outcome]:
        """The tick's attempts: one child per period (nearly always one), alone when by itself."""
        outcomes: dict[str, Outcome] = {}
        for period in sorted(set(asked.values())):
            accounts = [a for a in self._batched if asked.get(a) == period]
            if len(accounts) == 1:
                outcomes[accounts[0]] = self._alone[accounts[0]](period)
                continue
            settings = [self._batched[a].settings for a in accounts]
            with self._phones_of(settings), self._slots_for(len(accounts)) as slots:
                logger.info("Un seul navigateur pour {} ({}).", ", ".join(accounts), period)
                outcomes.update(self._batch_child(period, accounts, settings, slots))
        return outcomes

    def _run_batch(self, period: str, accounts: list[str], settings: list, slots: int) -> dict[str, Outcome]:
        from bot.settings.table import PARALLEL
        from bot.system import state_paths

        names = [self._batched[a].child_account or a for a in accounts]
        phones = [self._phone_key(s) for s in settings]
        budget = max(s.run_budget for s in settings) * waves(len(accounts), slots, len(set(phones)) < len(phones))
        filing = any(state_paths.waiting_file(s.state_dir, s.account, period) for s in settings)
        environ = {**child_environment(), PARALLEL.name: str(slots)}
        by_name = run_batch_attempt(period, names, filing=filing, timeout=budget + 120, environ=environ)
        return {a: by_name[n] for a, n in zip(accounts, names) if n in by_name}

    @contextmanager
    def _phones_of(self, settings: list) -> Iterator[None]:
        """Every phone of the batch's accounts (sorted: two holders never wait for each other)."""
        with ExitStack() as stack:
            for phone in sorted({self._phone_key(s) for s in settings}):
                stack.enter_context(self._phone_lock(phone))
            yield

    @contextmanager
    def _slots_for(self, wanted: int) -> Iterator[int]:
        count = max(1, min(wanted, self.parallel))
        with self._taking:
            for _ in range(count):
                self.slots.acquire()
        try:
            yield count
        finally:
            for _ in range(count):
                self.slots.release()

    def tick(self) -> list[str]:
        """Every account's tick, concurrently; returns the periods tried (« account/period »). Ticks
        never overlap (bot/schedule/ticks.py)."""
        return self._ticks.run(self._tick)

    def _tick(self) -> list[str]:
        try:
            heartbeat.ticked(self.settings.state_dir, self.now())
        except OSError as exc:
            logger.warning("État du planificateur non écrit : {}", exc)
        tried: dict[str, list[str]] = {}
        batch = self._batch = TickBatch(self._batched, self._launch)

        def one(planner) -> None:
            try:
                tried[planner.account] = planner.tick()
            finally:
                batch.arrived(planner.account)

        threads = [
            threading.Thread(target=one, args=(p,), name=f"plan-{p.account}", daemon=True) for p in self.planners
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self._batch = None
        return [f"{account}/{period}" for account, periods in tried.items() for period in periods]

    def recover(self) -> list[str]:
        lines: list[str] = []
        for planner in self.planners:
            lines += planner.recover(only_mine=True)
        return lines
