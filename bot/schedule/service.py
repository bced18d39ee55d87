"""`damancom-bot schedule`: the long-running planner.

The ledger decides; APScheduler only wakes the process: a date job at each planned attempt (in a
persistent SQLite job store) and a heartbeat, both calling `tick`, which does whatever the ledger
says is due. Missed while the machine was off? The first tick after start-up does it, once:
`Ledger.begin` is the only way into a run, and it refuses a period already in progress or done.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from loguru import logger

from bot import clock
from bot.config import Settings
from bot.declare import waiting_file
from bot.locks import exclusive
from bot.notify import Notifier
from bot.schedule import ledger as L
from bot.schedule.attempt import Outcome, child_environment, display_available, run_attempt
from bot.exit_codes import ExitCode
from bot.schedule.plan import DONE, RETRY, STOP, Plan, decide

HEARTBEAT = timedelta(minutes=10)
_SERVICE: "Planner | None" = None  # what the stored APScheduler jobs call back into


def _fmt(moment: datetime) -> str:
    return moment.astimezone(clock.TZ).strftime("%d/%m %H:%M")


class Planner:
    def __init__(self, settings: Settings, plan: Plan, ledger: L.Ledger, notifier: Notifier, *,
                 run: Callable[[str], Outcome] | None = None, now: Callable[[], datetime] = clock.now,
                 rng: random.Random | None = None):
        self.settings, self.plan, self.ledger, self.notifier = settings, plan, ledger, notifier
        self.account = settings.account
        self.now, self.rng = now, rng or random.Random()
        headed = not settings.headless and display_available(child_environment())
        self.run = run or (lambda period: run_attempt(
            period, child_environment(), headed=headed, timeout=settings.run_budget + 120,
            declaration_file=waiting_file(settings.state_dir, settings.account, period)))

    # what is due -----------------------------------------------------------------------
    def tick(self) -> list[str]:
        """Everything due now: new period, reminders, deadline alerts, attempts. Returns periods tried."""
        now = self.now()
        self._ensure_period(now)
        tried = []
        for row in self.ledger.periods(self.account):
            if row.state == L.DONE:
                continue
            self._notices(row, now)
            if row.state == L.PENDING and row.next_attempt is not None and row.next_attempt <= now:
                if now > row.deadline:
                    continue
                self.attempt(row.period)
                tried.append(row.period)
        return tried

    def _ensure_period(self, now: datetime) -> None:
        period = clock.previous_period(now)
        if self.ledger.period(self.account, period) is None and now <= self.plan.deadline(period):
            first = self.plan.first_attempt(period)
            self.ledger.ensure(self.account, period, self.plan.deadline(period), first, now)
            logger.info("Période {} planifiée : premier essai le {}, échéance le {}.", period, _fmt(first),
                        _fmt(self.plan.deadline(period)))

    def _notices(self, row: L.PeriodRow, now: datetime) -> None:
        if now > row.deadline:
            if self.ledger.notice_once(self.account, row.period, "echeance", now):
                self.ledger.plan(self.account, row.period, L.NEEDS_ATTENTION, None, "échéance dépassée", now)
                self.notifier.send(f"Damancom : échéance dépassée pour {row.period}",
                                   f"La déclaration {row.period} du compte {self.account} n'a pas été faite avant "
                                   f"l'échéance du {_fmt(row.deadline)}. Faites-la au plus vite : des majorations "
                                   "s'appliquent.")
            return
        for kind, when in self.plan.reminders(row.period):
            if when <= now and self.ledger.notice_once(self.account, row.period, kind, now):
                self.notifier.send(f"Damancom : rappel {kind} pour {row.period}",
                                   f"La déclaration {row.period} du compte {self.account} n'est pas encore faite ; "
                                   f"échéance le {_fmt(row.deadline)}. "
                                   + (f"Prochain essai du bot : {_fmt(row.next_attempt)}." if row.next_attempt else ""))

    # one attempt -------------------------------------------------------------------------
    def attempt(self, period: str) -> None:
        started = self.now()
        attempt_id = self.ledger.begin(self.account, period, started)
        if attempt_id is None:
            return  # done, or another process is already on it
        logger.info("Essai pour la période {} ({}).", period, self.account)
        try:
            outcome = self.run(period)
        except Exception as exc:  # noqa: BLE001 - the ledger must hear about it, whatever it was
            outcome = Outcome(1, None, None, f"Erreur inattendue : {type(exc).__name__}")
        ended = self.now()
        decision, reason = decide(outcome.exit_code, outcome.period_state)
        self.ledger.end(attempt_id, ended, outcome.exit_code, reason, outcome.message, outcome.audit_folder)
        if decision == DONE:
            self.ledger.plan(self.account, period, L.DONE, None, reason, ended)
            self.notifier.send(f"Damancom : période {period} déclarée", f"Le portail indique la période {period} "
                               f"comme « Déclarée » pour le compte {self.account}.")
            return
        if decision == STOP:
            self.ledger.plan(self.account, period, L.NEEDS_ATTENTION, None, f"{reason} : pas de nouvel essai", ended,
                             note=outcome.message)
            self.notifier.send(f"Damancom : intervention nécessaire ({period})",
                               f"{outcome.message} Le bot ne réessaiera pas seul : vérifiez, puis relancez "
                               "« damancom-bot schedule ».")
            return
        when = self.plan.next_attempt(ended, decision, period, self.rng)
        if when is None:
            self.ledger.plan(self.account, period, L.NEEDS_ATTENTION, None,
                             f"{reason} à {_fmt(ended)}, plus de créneau avant l'échéance", ended, note=outcome.message)
            self.notifier.send(f"Damancom : plus de créneau pour {period}",
                               f"{reason} à {_fmt(ended)} et plus aucun créneau avant l'échéance du "
                               f"{_fmt(self.plan.deadline(period))} : faites la déclaration vous-même.")
            return
        self.ledger.plan(self.account, period, L.PENDING, when, f"{reason} à {_fmt(ended)}, nouvel essai le {_fmt(when)}",
                         ended, note=outcome.message)
        if decision != RETRY or outcome.exit_code == ExitCode.NO_CODE:  # quiet when the portal is merely down
            self.notifier.send(f"Damancom : {reason} ({period})",
                               f"{outcome.message} Prochain essai le {_fmt(when)}.")
        _plan_job(self.account, period, when)


# APScheduler ---------------------------------------------------------------------------------
_scheduler = None


def _tick_job() -> None:
    if _SERVICE is not None:
        _SERVICE.tick()


def _plan_job(account: str, period: str, when: datetime) -> None:
    if _scheduler is not None:
        _scheduler.add_job(_tick_job, "date", run_date=when, id=f"essai:{account}:{period}", replace_existing=True)


def serve(planner: Planner, state_dir: Path, say: Callable[[str], None]) -> None:
    """Runs until interrupted. One scheduler per state dir (OS file lock)."""
    with exclusive(Path(state_dir) / "scheduler.lock",
                   f"Un planificateur tourne déjà pour ce dossier d'état ({state_dir}). Un seul à la fois : "
                   "arrêtez l'autre (ou le service damancom-bot) avant d'en lancer un nouveau."):
        _serve(planner, state_dir, say)


def _serve(planner: Planner, state_dir: Path, say: Callable[[str], None]) -> None:
    global _SERVICE, _scheduler
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    try:
        recovered = planner.ledger.recover(planner.now())
        for account, period in recovered:
            say(f"Essai interrompu pour {account} / {period} : il sera refait maintenant.")
        _SERVICE = planner
        _scheduler = BlockingScheduler(
            timezone=clock.TZ,
            jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{Path(state_dir) / 'jobs.sqlite'}")},
            # Never drop a late run (default grace is 1 s); the ledger makes running twice harmless.
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1})
        _scheduler.add_job(_tick_job, "interval", seconds=HEARTBEAT.total_seconds(), id="battement",
                           replace_existing=True, next_run_time=planner.now())
        for row in planner.ledger.periods(planner.account):
            if row.state == L.PENDING and row.next_attempt is not None:
                _plan_job(planner.account, row.period, max(row.next_attempt, planner.now()))
        say("Planificateur démarré (heure du Maroc). État : damancom-bot status. Ctrl-C pour arrêter.")
        _scheduler.start()
    finally:
        _SERVICE = None
        _scheduler = None
