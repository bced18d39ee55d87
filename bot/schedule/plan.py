"""When to try: the deadline, the off-peak windows, the next attempt after each outcome.

Pure functions of their inputs (time injected), in Africa/Casablanca local time: a window is
"21:00-23:30 local" whatever Morocco's UTC offset is that day (it changes around Ramadan).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.exit_codes import BY_HAND, DONE, NEXT_WINDOW, RETRY, RETRY_TOMORROW, STOP, WAIT, ExitCode
from bot.settings import table
from bot.system.clock import TZ

# What the last attempt's outcome means for the period: each exit code's decision is in its row
# of `bot/exit_codes.py` (DONE, RETRY, RETRY_TOMORROW, STOP, WAIT, NEXT_WINDOW, BY_HAND).
__all__ = ["BY_HAND", "DONE", "NEXT_WINDOW", "RETRY", "RETRY_TOMORROW", "STOP", "WAIT", "Plan", "decide", "parse_plan"]


@dataclass(frozen=True)
class Plan:
    first_day: int = table.FIRST_ATTEMPT.default[0]  # the defaults are the settings' (one table)
    first_time: time = table.FIRST_ATTEMPT.default[1]
    windows: tuple[tuple[time, time], ...] = table.WINDOWS.default
    deadline_day: int = table.DEADLINE.default[0]
    deadline_time: time = table.DEADLINE.default[1]
    overrides: dict[str, date] = field(default_factory=dict)  # period → last day without surcharge
    spacing: timedelta = timedelta(minutes=40)  # between two attempts inside one window
    jitter: timedelta = timedelta(minutes=10)
    reminder_days: tuple[int, ...] = (3, 1)
    reminder_time: time = time(10, 0)
    busy_wait: timedelta = timedelta(minutes=15)  # another run holds the account: look again then
    grace: timedelta = timedelta(minutes=5)  # a job this late was not missed, just slow to wake

    # the calendar of one period ------------------------------------------------------
    def first_attempt(self, period: str) -> datetime:
        year, month = _month_after(period)
        return datetime.combine(date(year, month, self.first_day), self.first_time, TZ)

    def deadline(self, period: str) -> datetime:
        if period in self.overrides:
            return datetime.combine(self.overrides[period], self.deadline_time, TZ)
        year, month = _month_after(period)
        return datetime.combine(date(year, month, self.deadline_day), self.deadline_time, TZ)

    def reminders(self, period: str) -> list[tuple[str, datetime]]:
        end = self.deadline(period)
        return [
            (f"J-{d}", datetime.combine(end.date() - timedelta(days=d), self.reminder_time, TZ))
            for d in self.reminder_days
        ]

    # the next attempt ----------------------------------------------------------------
    def in_window(self, moment: datetime) -> bool:
        local = moment.astimezone(TZ)
        return any(start <= local.time() < end for start, end in self.windows)

    def next_window_start(self, after: datetime) -> datetime:
        local = after.astimezone(TZ)
        for day in range(0, 3):
            current = local.date() + timedelta(days=day)
            for start, _ in sorted(self.windows):
                candidate = datetime.combine(current, start, TZ)  # local wall time, today's offset
                if candidate > local:
                    return candidate
        raise AssertionError("no window in three days")

    def window_before_deadline(self, after: datetime, period: str) -> datetime | None:
        """The next window start after `after` that is still before the period's deadline."""
        start = self.next_window_start(after)
        return start if start <= self.deadline(period) else None

    def next_attempt(self, after: datetime, decision: str, period: str, rng: random.Random) -> datetime | None:
        """None when the period must not be tried again (done, stop, or no time left)."""
        if decision in (DONE, STOP, BY_HAND):
            return None
        deadline = self.deadline(period)
        jitter = timedelta(seconds=rng.uniform(0, self.jitter.total_seconds()))
        if decision == RETRY_TOMORROW:
            start = datetime.combine(after.astimezone(TZ).date() + timedelta(days=1), time(0, 0), TZ)
            when = self.next_window_start(start) + jitter
        elif decision == NEXT_WINDOW:
            when = self.next_window_start(after) + jitter
        elif decision == WAIT:  # inside the window when there is room, else the next one
            soon = after + self.busy_wait + jitter
            when = soon if self.in_window(soon) else self.next_window_start(after) + jitter
        else:
            soon = after + self.spacing + jitter
            when = soon if self.in_window(soon) else self.next_window_start(after) + jitter
        if when <= deadline:
            return when
        # The preferred moment is past the deadline: any window left before it still counts
        # (on the 10th at 06:00, the 21:00 window remains).
        window = self.window_before_deadline(after, period)
        if window is None:
            return None
        return min(window + jitter, deadline)

    def catch_up(self, planned: datetime, now: datetime, period: str) -> datetime | None:
        """An attempt planned for `planned` was missed (computer off or asleep). Returns when to run
        it instead: the next window if one remains before the deadline, unless today is the
        deadline day (the evening may be missed again: try now too); None means « now »."""
        if now - planned <= self.grace or self.in_window(now):
            return None
        window = self.window_before_deadline(now, period)
        if window is None or now.astimezone(TZ).date() == self.deadline(period).astimezone(TZ).date():
            return None
        return window


def decide(exit_code: int, period_state: str | None, reason: str | None = None) -> tuple[str, str]:
    """The ledger's reading of a finished attempt: (decision, reason code; see `words.py`). The
    exit code's row says it, but for a login that did not file and the person's answers."""
    if exit_code == ExitCode.OK and period_state != "declared":
        return RETRY_TOMORROW, "to_declare"
    if exit_code == ExitCode.NO_CODE and reason == "stop":
        return BY_HAND, "declined_stop"
    if exit_code == ExitCode.NO_CODE and reason == "not_now":
        return NEXT_WINDOW, "declined_not_now"
    try:
        row = ExitCode(exit_code)
    except ValueError:  # a number the bot never writes (a crash of the interpreter itself)
        row = ExitCode.BUG
    return row.decision, row.reason


def _month_after(period: str) -> tuple[int, int]:
    year, month = map(int, period.split("-"))
    return (year + 1, 1) if month == 12 else (year, month + 1)


def parse_plan(environ) -> Plan:
    """The plan the person set (`bot/settings/table.py`: FIRST_ATTEMPT « 1 21:00 », WINDOWS
    « 21:00-23:30,06:00-07:30 », DEADLINE « 10 23:59 », DEADLINE_OVERRIDES « 2025-06=2025-07-17 »)."""
    first_day, first_time = table.FIRST_ATTEMPT.get(environ)
    deadline_day, deadline_time = table.DEADLINE.get(environ)
    return Plan(
        first_day=first_day,
        first_time=first_time,
        windows=table.WINDOWS.get(environ),
        deadline_day=deadline_day,
        deadline_time=deadline_time,
        overrides=dict(table.DEADLINE_OVERRIDES.get(environ)),
    )
