"""When to try: the deadline, the off-peak windows, the next attempt after each outcome.

Pure functions of their inputs (time injected), in Africa/Casablanca local time: a window is
"21:00-23:30 local" whatever Morocco's UTC offset is that day (it changes around Ramadan).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.errors import ConfigError
from bot.exit_codes import BY_HAND, DONE, NEXT_WINDOW, RETRY, RETRY_TOMORROW, STOP, WAIT, ExitCode
from bot.settings.config import reader
from bot.system.clock import TZ

# What the last attempt's outcome means for the period: each exit code's decision is in its row
# of `bot/exit_codes.py` (DONE, RETRY, RETRY_TOMORROW, STOP, WAIT, NEXT_WINDOW, BY_HAND).
__all__ = ["BY_HAND", "DONE", "NEXT_WINDOW", "RETRY", "RETRY_TOMORROW", "STOP", "WAIT", "Plan", "decide", "parse_plan"]


@dataclass(frozen=True)
class Plan:
    first_day: int = 1
    first_time: time = time(21, 0)
    windows: tuple[tuple[time, time], ...] = ((time(6, 0), time(7, 30)), (time(21, 0), time(23, 30)))
    deadline_day: int = 10
    deadline_time: time = time(23, 59)
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
    """DAMANCOM_FIRST_ATTEMPT="1 21:00", DAMANCOM_WINDOWS="21:00-23:30,06:00-07:30",
    DAMANCOM_DEADLINE="10 23:59", DAMANCOM_DEADLINE_OVERRIDES="2025-06=2025-07-17"."""
    get = reader(environ)
    changes = {}
    if get("DAMANCOM_FIRST_ATTEMPT"):
        changes["first_day"], changes["first_time"] = _day_time("DAMANCOM_FIRST_ATTEMPT", get("DAMANCOM_FIRST_ATTEMPT"))
    if get("DAMANCOM_DEADLINE"):
        changes["deadline_day"], changes["deadline_time"] = _day_time("DAMANCOM_DEADLINE", get("DAMANCOM_DEADLINE"))
    if get("DAMANCOM_WINDOWS"):
        changes["windows"] = tuple(_window(w) for w in re.split(r"[,\s]+", get("DAMANCOM_WINDOWS")) if w)
    if get("DAMANCOM_DEADLINE_OVERRIDES"):
        changes["overrides"] = dict(_override(o) for o in re.split(r"[,\s]+", get("DAMANCOM_DEADLINE_OVERRIDES")) if o)
    return Plan(**changes)


def _clock(text: str) -> time | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    return None


def _day_time(name: str, raw: str) -> tuple[int, time]:
    parts = raw.split()
    if len(parts) == 2 and parts[0].isascii() and parts[0].isdigit() and 1 <= int(parts[0]) <= 28 and _clock(parts[1]):
        return int(parts[0]), _clock(parts[1])
    raise ConfigError(f"{name} vaut « {raw} » : attendu un jour (1 à 28) et une heure, par exemple « 1 21:00 ».")


def _window(raw: str) -> tuple[time, time]:
    start, _, end = raw.partition("-")
    if _clock(start) and _clock(end) and _clock(start) < _clock(end):
        return _clock(start), _clock(end)
    raise ConfigError(
        f"DAMANCOM_WINDOWS : plage « {raw} » invalide ; attendu HH:MM-HH:MM dans la même journée, "
        "par exemple 21:00-23:30."
    )


def _override(raw: str) -> tuple[str, date]:
    period, _, day = raw.partition("=")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}", period):
            raise ValueError
        return period, date.fromisoformat(day)
    except ValueError:
        raise ConfigError(
            f"DAMANCOM_DEADLINE_OVERRIDES : « {raw} » invalide ; attendu PÉRIODE=DATE, par exemple 2025-06=2025-07-17."
        ) from None
