"""A compressed month against the sandbox: the portal refuses service in the daytime, the planner
(simulated clock, real bot runs) retries in the evening window, a person answers, then declares."""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

from bot.handover import dropbox
from bot.ledger import ledger as L
from bot.output.notify import Notifier
from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults
from bot.schedule.attempt import run_attempt
from bot.schedule.plan import parse_plan
from bot.schedule.service import Planner
from bot.settings.config import load_settings
from bot.system.clock import TZ
from bot.system.files import write_atomic


class SimulatedClock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class Person(threading.Thread):
    """Says « ready » to each unattended run and types each code the sandbox sends, once. The bot asks
    for the code as it submits the identifier, before the SMS is sent: typing the last SMS already
    there would hand over the previous run's code."""

    def __init__(self, folder: Path, outbox):
        super().__init__(daemon=True)
        self.folder, self.outbox, self.stop = folder, outbox, threading.Event()
        self.answered: set[tuple[str, str]] = set()
        self.typed = 0  # SMS whose code has been typed

    def run(self) -> None:
        while not self.stop.wait(0.05):  # watching files and an outbox, not a page
            info = dropbox.read_waiting(self.folder)
            if not info or (info["run_id"], info["phase"]) in self.answered:
                continue
            if info["phase"] == "ready":
                write_atomic(self.folder / dropbox.READY_FILE, {"at": time.time()})
                self.answered.add((info["run_id"], "ready"))
            elif info["phase"] == "code" and len(sms := self.outbox.all()) > self.typed:
                write_atomic(self.folder / dropbox.CODE_FILE, {"code": sms[-1].code, "at": time.time()})
                self.typed = len(sms)


def test_compressed_month(tmp_path, cli_env):
    clock = SimulatedClock(datetime(2026, 11, 1, 9, 55, tzinfo=TZ))
    portal = Portal(clock=lambda: clock.now.timestamp())
    account = portal.accounts["PHARMA-DEMO"]
    busy = Faults("busy-hours", busy_hours=(dtime(8, 0), dtime(20, 0)))
    with Sandbox(portal, faults=busy) as sandbox:
        env = {
            **cli_env,
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": account.identifier,
            "DAMANCOM_PASSWORD": account.password,
            "DAMANCOM_LOCAL_PAGE": "0",
            "DAMANCOM_RETRIES": "1",
            "DAMANCOM_RETRY_BACKOFF": "0.2",
            "DAMANCOM_FIRST_ATTEMPT": "1 10:00",
        }
        settings = load_settings(env, need_credentials=True)
        ledger = L.Ledger(settings.state_dir)
        planner = Planner(
            settings,
            parse_plan(env),
            ledger,
            Notifier([]),
            now=clock,
            rng=random.Random(1),
            run=lambda period: run_attempt(period, env, timeout=180),
        )
        person = Person(dropbox.handover_dir(settings.state_dir, account.identifier), portal.outbox)
        person.start()
        tries = []
        try:
            planner.tick()  # 09:55: the period is planned, nothing due yet
            for _ in range(6):
                row = ledger.period(account.identifier, "2026-10")
                if row.state != L.PENDING:
                    break
                clock.now = row.next_attempt
                tries.append(clock.now)
                planner.tick()
                if len(tries) == 2:
                    account.declared.add("2026-10")  # the person files it by hand after the bot's login
        finally:
            person.stop.set()
    outcomes = [a.outcome for a in reversed(ledger.attempts(account.identifier, "2026-10"))]
    assert outcomes == ["portal_down", "to_declare", "declared"]
    assert tries[0] == datetime(2026, 11, 1, 10, 0, tzinfo=TZ)
    assert datetime(2026, 11, 1, 21, 0, tzinfo=TZ) <= tries[1] <= datetime(2026, 11, 1, 21, 10, tzinfo=TZ)
    assert datetime(2026, 11, 2, 6, 0, tzinfo=TZ) <= tries[2] <= datetime(2026, 11, 2, 6, 10, tzinfo=TZ)
    assert ledger.period(account.identifier, "2026-10").state == L.DONE
    assert len(portal.outbox.all()) == 2  # no SMS in the daytime failure
    clock.now = datetime(2026, 11, 5, 21, 0, tzinfo=TZ)
    assert planner.tick() == []
