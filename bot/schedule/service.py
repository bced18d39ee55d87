"""`damancom-bot schedule`: the long-running planner.

The ledger decides; APScheduler only wakes the process: a date job at each planned attempt (in a
persistent SQLite job store) and a heartbeat, both calling `tick`, which does whatever the ledger
says is due. Missed while the machine was off? Moved to the next off-peak window (at once only on
the deadline day or when no window is left): `Plan.catch_up`. `Ledger.begin` is the only way into
a run, and it refuses a period already in progress or done. After a crash, `Planner.recover`
decides: a filing possibly validated is checked on the portal first; a run cut short after its SMS
waits for the next window; one cut short before it is redone at once.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from loguru import logger

from bot.errors import BotError
from bot.ledger import ledger as L
from bot.ledger.words import STOPPED
from bot.ledger.words import reason as say_reason
from bot.ledger.words import when as _fmt
from bot.output.notify import Notifier
from bot.schedule import heartbeat
from bot.schedule.attempt import (
    Outcome,
    child_environment,
    display_available,
    run_attempt,
)
from bot.schedule.interrupted import sms_possibly_sent
from bot.schedule.plan import BY_HAND, DONE, RETRY, STOP, Plan, decide
from bot.schedule.ticks import OneAtATime
from bot.settings.config import Settings
from bot.system import clock, state_paths
from bot.system.locks import exclusive

HEARTBEAT = timedelta(minutes=10)
_SERVICE: "Planner | None" = None  # what the stored APScheduler jobs call back into
QUIET = {"busy", "declined_not_now", "declined_stop"}  # nothing went wrong: no notification
DAILY = {"portal_down", "no_code"}  # at most one summary a day (« no noise »)


class Planner:
    """`plan` is a Plan, or a function returning the current one (re-read at every tick: a deadline
    override added to `.env` mid-month applies at once). `child_account`: the attempts' `--account`
    (several accounts: bot/schedule/fleet.py)."""

    def __init__(
        self,
        settings: Settings,
        plan: Plan | Callable[[], Plan],
        ledger: L.Ledger,
        notifier: Notifier,
        *,
        run: Callable[[str], Outcome] | None = None,
        now: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
        child_account: str | None = None,
    ):
        self._plan_source = plan if callable(plan) else (lambda: plan)
        self.plan = self._plan_source()
        self.settings, self.ledger, self.notifier = settings, ledger, notifier
        self.account = settings.account
        # The portal's time: the machine's clock corrected by the offset its runs measured (clock.py)
        self.now, self.rng = now or clock.corrected(settings.state_dir), rng or random.Random()
        self._ticks = OneAtATime()
        self.beats = True  # writes the heartbeat at each tick (FleetPlanner writes it once for all accounts)
        headed = not settings.headless and display_available(child_environment())
        self.child_account = child_account
        self.batchable = run is None and not headed  # its attempt may share a tick's child (bot/schedule/batch.py)
        self.run = run or (
            lambda period: run_attempt(
                period,
                child_environment(),
                headed=headed,
                timeout=settings.run_budget + 120,
                declaration_file=state_paths.waiting_file(settings.state_dir, settings.account, period),
                account=child_account,
            )
        )

    # what is due -----------------------------------------------------------------------
    def tick(self) -> list[str]:
        """Everything due now: new period, reminders, deadline alerts, attempts. Returns periods tried.
        Ticks never overlap (bot/schedule/ticks.py)."""
        return self._ticks.run(self._tick)

    def _tick(self) -> list[str]:
        now = self.now()
        self._refresh_plan()
        if self.beats:
            try:
                heartbeat.ticked(self.settings.state_dir, now)
            except OSError as exc:
                logger.warning("État du planificateur non écrit : {}", exc)
        self._ensure_periods(now)
        self._clock_notice(now)
        due = []
        for row in self.ledger.periods(self.account):
            if row.state == L.DONE:
                continue
            row = self._apply_deadline(row, now)
            self._notices(row, now)
            if row.state != L.PENDING or row.next_attempt is None or row.next_attempt > now:
                continue
            verify = row.next_reason == "verify_submission"
            if now > row.deadline and not verify:  # a check of a possible filing is still worth it
                continue
            later = self.plan.catch_up(row.next_attempt, now, row.period)
            if later is not None:
                self._missed(row, now, later, verify)
                continue
            due.append(row)
        if not due:
            return []
        due.sort(key=lambda r: (r.next_reason != "verify_submission", r.period))  # a possible filing first
        return self.attempt_many([r.period for r in due])

    def _refresh_plan(self) -> None:
        try:
            self.plan = self._plan_source()
        except BotError as exc:  # a typo in .env mid-month: keep the last good plan, say so
            logger.warning("Réglages du planning ignorés (les précédents restent en vigueur) : {}", exc.message)

    def _ensure_periods(self, now: datetime) -> None:
        """The previous month's period, even after its deadline (a first start on the 11th must say
        so), and any period whose deadline was extended and is still ahead."""
        wanted = [clock.previous_period(now)]
        wanted += [p for p in self.plan.overrides if p < wanted[0] and now <= self.plan.deadline(p)]
        for period in wanted:
            if self.ledger.period(self.account, period) is None:
                first = self.plan.first_attempt(period)
                if first < now:  # installed (or extended) late: nothing was missed, start at a good moment
                    first = self._good_moment(now, period)
                self.ledger.ensure(self.account, period, self.plan.deadline(period), first, now)
                logger.info(
                    "Période {} planifiée : premier essai le {}, échéance le {}.",
                    period,
                    _fmt(first),
                    _fmt(self.plan.deadline(period)),
                )

    def _apply_deadline(self, row: L.PeriodRow, now: datetime) -> L.PeriodRow:
        """Overrides apply whenever they are read: a later deadline reopens a period given up."""
        deadline = self.plan.deadline(row.period)
        if deadline == row.deadline:
            return row
        self.ledger.set_deadline(self.account, row.period, deadline, now)
        logger.info("Échéance de la période {} : {} (réglage DAMANCOM_DEADLINE_OVERRIDES).", row.period, _fmt(deadline))
        if row.state == L.NEEDS_ATTENTION and row.next_reason in ("deadline_passed", "no_slot_left") and now < deadline:
            when = self._good_moment(now, row.period)
            self.ledger.plan(self.account, row.period, L.PENDING, when, "restarted", now)
            self.ledger.forget_notice(self.account, row.period, "echeance")
            _plan_job(self.account, row.period, when)
        return self.ledger.period(self.account, row.period)

    def _missed(self, row: L.PeriodRow, now: datetime, later: datetime, verify: bool) -> None:
        """Computer off or asleep at the planned time: the next window, not busy hours; say once
        that the computer must stay on in the evening."""
        self.ledger.plan(self.account, row.period, L.PENDING, later, "verify_submission" if verify else "missed", now)
        _plan_job(self.account, row.period, later)
        logger.info(
            "Essai manqué pour {} (prévu le {}) : reporté au {}.", row.period, _fmt(row.next_attempt), _fmt(later)
        )
        if self.ledger.notice_once(self.account, row.period, "allume-le-soir", now):
            self.notifier.send(
                "Damancom : laissez l'ordinateur allumé le soir",
                f"L'essai prévu le {_fmt(row.next_attempt)} n'a pas pu avoir lieu : l'ordinateur était "
                "éteint ou en veille. Le bot essaie aux heures creuses, quand le portail répond "
                f"({self._windows()}) : laissez l'ordinateur allumé et sans mise en veille à ces "
                f"heures-là. Prochain essai : {_fmt(later)}. Le jour de l'échéance, il essaiera aussi "
                "en journée.",
            )

    def _clock_notice(self, now: datetime) -> None:
        """Once per offset measured: the machine's clock is off, the plan follows the portal's."""
        warning = clock.offset_warning(self.settings.state_dir)
        if warning is None:
            return
        minutes = round(warning["offset_seconds"] / 60)
        if self.ledger.notice_once(self.account, "*", f"horloge:{minutes}", now):
            self.notifier.send(
                "Damancom : horloge de l'ordinateur décalée",
                warning["lines"][0].removeprefix("Horloge : ")
                + f" Échéances et essais sont comptés à l'heure du portail ({_fmt(now)}).",
                urgent=True,
            )

    def _windows(self) -> str:
        from bot.settings.readers import window_label

        return ", ".join(window_label(a, b) for a, b in sorted(self.plan.windows))

    def _notices(self, row: L.PeriodRow, now: datetime) -> None:
        if now > row.deadline:
            if row.state == L.SUBMITTING or row.next_reason == "verify_submission":
                return  # maybe filed: the check on the portal comes first, never a false alert
            if self.ledger.notice_once(self.account, row.period, "echeance", now):
                if row.state != L.MANUAL:
                    self.ledger.plan(self.account, row.period, L.NEEDS_ATTENTION, None, "deadline_passed", now)
                self.notifier.send(
                    f"Damancom : échéance dépassée pour {row.period}",
                    f"La déclaration {row.period} du compte {self.account} n'a pas été faite par le bot "
                    f"avant l'échéance du {_fmt(row.deadline)}. Si vous l'avez déposée vous-même : "
                    f"« damancom-bot done --period {row.period} ». Sinon, faites-la au plus vite : "
                    "des majorations s'appliquent.",
                )
            return
        fresh = [
            kind
            for kind, when in self.plan.reminders(row.period)
            if when <= now and self.ledger.notice_once(self.account, row.period, kind, now)
        ]
        for kind in fresh[-1:]:  # back after days off: only the latest reminder, not J-3 and J-1 at once
            self.notifier.send(
                f"Damancom : rappel {kind} pour {row.period}",
                f"La déclaration {row.period} du compte {self.account} n'est pas encore faite ; "
                f"échéance le {_fmt(row.deadline)}. "
                + (f"Prochain essai du bot : {_fmt(row.next_attempt)}." if row.next_attempt else ""),
            )

    # attempts ----------------------------------------------------------------------------
    def attempt(self, period: str) -> None:
        self.attempt_many([period])

    def attempt_many(self, periods: list[str]) -> list[str]:
        """One login for every due period of the account: the first one is run (a declaration
        file waiting for it is filed), the others are read from the same login's summary."""
        started = self.now()
        opened = [(p, a) for p in periods if (a := self.ledger.begin(self.account, p, started)) is not None]
        if not opened:
            return []  # done, or another process is already on it
        logger.info("Essai pour {} ({}).", ", ".join(p for p, _ in opened), self.account)
        first = opened[0][0]
        try:
            outcome = self.run(first)
        except Exception as exc:  # noqa: BLE001 - the ledger must hear about it, whatever it was
            outcome = Outcome(1, None, None, f"Erreur inattendue : {type(exc).__name__}")
        ended = self.now()
        summaries = []
        for period, attempt_id in opened:
            state = outcome.period_state if period == first else outcome.state_of(period)
            summaries.append(self._settle(period, attempt_id, outcome, state, ended))
        self._notify_daily([s for s in summaries if s], outcome, ended)
        return [p for p, _ in opened]

    def _settle(
        self, period: str, attempt_id: int, outcome: Outcome, state: str | None, ended: datetime
    ) -> tuple[str, str, datetime] | None:
        """Writes the attempt's outcome and the period's next step; returns (period, reason, next)
        when only the daily summary should speak of it."""
        decision, reason = decide(outcome.exit_code, state, outcome.reason)
        self.ledger.end(attempt_id, ended, outcome.exit_code, reason, outcome.message, outcome.audit_folder)
        row = self.ledger.period(self.account, period)
        if row.state == L.DONE:  # the run filed it (receipt kept) or saw it declared: already written
            if row.next_reason != "filed":
                self._declared(period)
            return None
        if decision == DONE:
            self.ledger.plan(self.account, period, L.DONE, None, reason, ended)
            self._declared(period)
            return None
        if row.state == L.SUBMITTING:  # cut short after « Valider la déclaration »: check before anything
            when = self._after_sms(ended, period)
            self.ledger.plan(self.account, period, L.PENDING, when, "verify_submission", ended, note=outcome.message)
            _plan_job(self.account, period, when)
            self.notifier.send(
                f"Damancom : dépôt {period} à vérifier",
                f"Le dépôt de la période {period} a peut-être été validé juste avant une coupure. Le "
                f"bot vérifiera son état sur le portail le {_fmt(when)}, avant tout nouvel envoi.",
            )
            return None
        if decision == BY_HAND:
            self.ledger.plan(self.account, period, L.MANUAL, None, reason, ended, note=outcome.message)
            return None
        if decision == STOP:
            self.ledger.plan(self.account, period, L.NEEDS_ATTENTION, None, reason, ended, note=outcome.message)
            self.notifier.send(
                f"Damancom : intervention nécessaire ({period})",
                f"{outcome.message} Le bot ne réessaiera pas seul : corrigez, puis relancez "
                "« damancom-bot schedule » (la période sera reprise).",
            )
            return None
        when = self.plan.next_attempt(ended, decision, period, self.rng)
        if decision == RETRY and when is not None and self._last_day_evenings_missed(period, ended):
            when = min(when, ended + self.plan.spacing)  # the evening will likely be missed again: keep trying now
        if when is None:
            self.ledger.plan(self.account, period, L.NEEDS_ATTENTION, None, "no_slot_left", ended, note=outcome.message)
            self.notifier.send(
                f"Damancom : plus de créneau pour {period}",
                f"{say_reason(reason).capitalize()} à {_fmt(ended)} et plus aucun créneau avant "
                f"l'échéance du {_fmt(self.plan.deadline(period))} : faites la déclaration vous-même, "
                f"puis « damancom-bot done --period {period} ».",
            )
            return None
        self.ledger.plan(self.account, period, L.PENDING, when, reason, ended, note=outcome.message)
        _plan_job(self.account, period, when)
        if reason in QUIET or reason in DAILY:
            return (period, reason, when)
        self.notifier.send(
            f"Damancom : {say_reason(reason)} ({period})", f"{outcome.message} Prochain essai le {_fmt(when)}."
        )
        return None

    def _last_day_evenings_missed(self, period: str, now: datetime) -> bool:
        """The deadline day, and windows were already missed (computer off or asleep at night)."""
        on_last_day = now.astimezone(clock.TZ).date() == self.plan.deadline(period).astimezone(clock.TZ).date()
        return on_last_day and self.ledger.has_notice(self.account, period, "allume-le-soir")

    def _declared(self, period: str) -> None:
        self.notifier.send(
            f"Damancom : période {period} déclarée",
            f"Le portail indique la période {period} comme « Déclarée » pour le compte {self.account}.",
        )

    def _notify_daily(self, pending: list[tuple[str, str, datetime]], outcome: Outcome, ended: datetime) -> None:
        """While the portal is merely down (or nobody answered), one summary a day at most."""
        daily = [p for p in pending if p[1] in DAILY]
        if not daily or not self.ledger.notice_once(
            self.account, "*", f"jour:{ended.astimezone(clock.TZ).date()}", ended
        ):
            return
        periods = ", ".join(p for p, _, _ in daily)
        self.notifier.send(
            f"Damancom : {say_reason(daily[0][1])} ({periods})",
            f"{outcome.message} Le bot réessaie seul aux heures creuses ; prochain essai le "
            f"{_fmt(daily[0][2])}. Vous ne serez plus prévenu aujourd'hui, sauf si c'est fait.",
        )

    def _good_moment(self, now: datetime, period: str) -> datetime:
        """Now if inside an off-peak window, else the next window before the deadline, else now."""
        return now if self.plan.in_window(now) else self.plan.window_before_deadline(now, period) or now

    def _after_sms(self, now: datetime, period: str) -> datetime:
        """An SMS went out unanswered (or a filing was cut short): the next window, never at once;
        at once only when no window is left before the deadline."""
        return self.plan.window_before_deadline(now, period) or now

    # start-up ----------------------------------------------------------------------------
    def recover(self, only_mine: bool = False) -> list[str]:
        """After a crash, a kill or a power cut: close the attempts cut short and decide when each
        period is tried again. Returns French lines for the console. `only_mine`: this account's
        rows only (several accounts, each recovered by its own planner and plan)."""
        now, lines = self.now(), []
        sms_for: dict[tuple[str, str], bool] = {}
        for attempt in self.ledger.open_attempts():
            if only_mine and attempt.account != self.account:
                continue
            sms = sms_possibly_sent(self.settings.state_dir, attempt)
            sms_for[(attempt.account, attempt.period)] = sms
            self.ledger.end(
                attempt.id,
                now,
                None,
                "interrupted_after_sms" if sms else "interrupted",
                "Essai interrompu (arrêt de l'ordinateur ou du bot).",
                None,
            )
        for row in self.ledger.periods(self.account if only_mine else None):
            key = (row.account, row.period)
            if row.state == L.SUBMITTING:
                when = self._after_sms(now, row.period)
                self.ledger.plan(row.account, row.period, L.PENDING, when, "verify_submission", now)
                lines.append(
                    f"Dépôt {row.account} / {row.period} peut-être validé avant la coupure : état vérifié "
                    f"sur le portail le {_fmt(when)}, avant tout nouvel essai."
                )
            elif row.state == L.IN_PROGRESS and sms_for.get(key):
                when = self._after_sms(now, row.period)
                self.ledger.plan(row.account, row.period, L.PENDING, when, "interrupted_after_sms", now)
                lines.append(
                    f"Essai interrompu pour {row.account} / {row.period} après l'envoi du SMS : nouvel "
                    f"essai à la prochaine plage creuse, le {_fmt(when)}."
                )
            elif row.state == L.IN_PROGRESS:
                when = self._good_moment(now, row.period)
                self.ledger.plan(row.account, row.period, L.PENDING, when, "interrupted", now)
                lines.append(
                    f"Essai interrompu pour {row.account} / {row.period} : il sera refait "
                    + ("maintenant." if when == now else f"à la prochaine plage creuse, le {_fmt(when)}.")
                )
            elif row.state == L.NEEDS_ATTENTION and _restartable(row) and now <= self.plan.deadline(row.period):
                self.ledger.plan(row.account, row.period, L.PENDING, now, "restarted", now)
                lines.append(
                    f"Période {row.account} / {row.period} reprise ({say_reason(row.next_reason)} auparavant)."
                )
        return lines


def _restartable(row: L.PeriodRow) -> bool:
    """Stopped for something a person fixes before restarting the scheduler (the message says so);
    also the old ledgers' « busy » lock conflicts, once recorded as configuration errors."""
    if row.next_reason in STOPPED:
        return True
    return bool(row.note and row.note.startswith("Une autre connexion est déjà en cours"))


# APScheduler ---------------------------------------------------------------------------------
_scheduler = None


def _tick_job() -> None:
    if _SERVICE is not None:
        _SERVICE.tick()


def _plan_job(account: str, period: str, when: datetime) -> None:
    """`when` is the portal's time; APScheduler wakes by the machine's clock, which may be off."""
    if _scheduler is not None:
        shift = clock.offset(_SERVICE.settings.state_dir) if _SERVICE is not None else timedelta(0)
        _scheduler.add_job(
            _tick_job, "date", run_date=when - shift, id=f"essai:{account}:{period}", replace_existing=True
        )


def _interruptible_scheduler_class():
    from apscheduler.schedulers.blocking import BlockingScheduler

    from bot.system.waiting import SlicedEvent

    class InterruptibleScheduler(BlockingScheduler):
        """APScheduler's main loop waits on an Event up to the next job (ten minutes): sliced, so
        that Ctrl-C stops the scheduler at once on Windows too."""

        def start(self, *args, **kwargs):
            if self._event is None or self._event.is_set():
                self._event = SlicedEvent()
            super().start(*args, **kwargs)

    return InterruptibleScheduler


def serve(planner: Planner, state_dir: Path, say: Callable[[str], None]) -> None:
    """Runs until interrupted. One scheduler per state dir (OS file lock)."""
    with exclusive(
        Path(state_dir) / state_paths.SCHEDULER_LOCK,
        f"Un planificateur tourne déjà pour ce dossier d'état ({state_dir}). Un seul à la fois : "
        "arrêtez l'autre (ou le service damancom-bot) avant d'en lancer un nouveau.",
    ):
        _serve(planner, state_dir, say)


def _serve(planner: Planner, state_dir: Path, say: Callable[[str], None]) -> None:
    global _SERVICE, _scheduler
    InterruptibleScheduler = _interruptible_scheduler_class()  # noqa: N806 - a class, built on first use

    try:
        heartbeat.started(state_dir, planner.now())
        for line in planner.recover():
            say(line)
        _SERVICE = planner
        # Jobs live in memory: at every start the ledger re-plans each pending period (below), so a
        # persistent job store would only keep a second, possibly stale, copy of the plan.
        _scheduler = InterruptibleScheduler(
            timezone=clock.TZ,
            # Never drop a late run (default grace is 1 s); the ledger makes running twice harmless.
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        _scheduler.add_job(
            _tick_job,
            "interval",
            seconds=HEARTBEAT.total_seconds(),
            id="battement",
            replace_existing=True,
            next_run_time=planner.now(),
        )
        for one in getattr(planner, "planners", [planner]):  # several accounts: bot/schedule/fleet.py
            for row in one.ledger.periods(one.account):
                if row.state == L.PENDING and row.next_attempt is not None:
                    _plan_job(one.account, row.period, max(row.next_attempt, one.now()))
        say("Planificateur démarré (heure du Maroc). État : damancom-bot status. Ctrl-C pour arrêter.")
        _scheduler.start()
    finally:
        _SERVICE = None
        _scheduler = None
