"""Planning with time injected: windows, spacing, deadline, overrides, outcomes, Ramadan offsets."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

from bot.errors import ConfigError
from bot.schedule.plan import (
    DONE,
    RETRY,
    RETRY_TOMORROW,
    STOP,
    Plan,
    decide,
    parse_plan,
)
from bot.system.clock import TZ

PLAN = Plan()
RNG = random.Random(7)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def test_calendar_of_a_period():
    assert PLAN.first_attempt("2026-10") == at(2026, 11, 1, 21, 0)
    assert PLAN.deadline("2026-10") == at(2026, 11, 10, 23, 59)
    assert PLAN.deadline("2026-12") == at(2027, 1, 10, 23, 59)
    assert [(k, w) for k, w in PLAN.reminders("2026-10")] == [
        ("J-3", at(2026, 11, 7, 10, 0)),
        ("J-1", at(2026, 11, 9, 10, 0)),
    ]


def test_daytime_failure_is_retried_in_the_evening_window():
    when = PLAN.next_attempt(at(2026, 11, 3, 10, 2), RETRY, "2026-10", RNG)
    assert at(2026, 11, 3, 21, 0) <= when <= at(2026, 11, 3, 21, 10)
    assert PLAN.in_window(when)


def test_several_attempts_per_window_are_spaced_out():
    when = PLAN.next_attempt(at(2026, 11, 3, 21, 5), RETRY, "2026-10", RNG)
    assert at(2026, 11, 3, 21, 45) <= when <= at(2026, 11, 3, 21, 55)
    late = PLAN.next_attempt(at(2026, 11, 3, 23, 10), RETRY, "2026-10", RNG)
    assert at(2026, 11, 4, 6, 0) <= late <= at(2026, 11, 4, 6, 10)  # next window: early morning


def test_attempts_stop_at_the_deadline():
    assert PLAN.next_attempt(at(2026, 11, 10, 21, 0), RETRY, "2026-10", RNG) <= PLAN.deadline("2026-10")
    assert PLAN.next_attempt(at(2026, 11, 10, 23, 20), RETRY, "2026-10", RNG) is None


def test_deadline_override_is_honoured():
    plan = parse_plan({"DAMANCOM_DEADLINE_OVERRIDES": "2025-06=2025-07-17"})
    assert plan.deadline("2025-06") == at(2025, 7, 17, 23, 59)
    assert plan.deadline("2025-07") == at(2025, 8, 10, 23, 59)
    assert plan.next_attempt(at(2025, 7, 15, 10, 0), RETRY, "2025-06", RNG) is not None


def test_logged_in_but_not_declared_waits_until_the_next_day():
    when = PLAN.next_attempt(at(2026, 11, 3, 21, 5), RETRY_TOMORROW, "2026-10", RNG)
    assert at(2026, 11, 4, 6, 0) <= when <= at(2026, 11, 4, 6, 10)


@pytest.mark.parametrize(
    "exit_code, state, decision",
    [
        (0, "declared", DONE),
        (0, "to_declare", RETRY_TOMORROW),
        (0, None, RETRY_TOMORROW),
        (4, None, RETRY),
        (3, None, RETRY),
        (5, None, STOP),
        (6, None, STOP),
        (2, None, STOP),
        (1, None, STOP),
    ],
)
def test_outcomes_decide_what_comes_next(exit_code, state, decision):
    assert decide(exit_code, state)[0] == decision
    if decision in (DONE, STOP):
        assert PLAN.next_attempt(at(2026, 11, 3, 10, 0), decision, "2026-10", RNG) is None


@pytest.mark.parametrize(
    "day",
    [date(2026, 2, 10), date(2026, 2, 16), date(2026, 2, 20), date(2026, 3, 21), date(2026, 3, 22), date(2026, 3, 25)],
)
def test_ramadan_offset_changes_do_not_shift_the_windows(day):
    """Morocco leaves UTC+1 for UTC+0 during Ramadan: windows stay at local 21:00 and 06:00."""
    after = datetime.combine(day, time(12, 0), TZ)
    evening = PLAN.next_window_start(after)
    morning = PLAN.next_window_start(evening + timedelta(hours=3))
    assert evening.astimezone(TZ).time() == time(21, 0) and morning.astimezone(TZ).time() == time(6, 0)
    offsets = {datetime(2026, 2, 10, 21, tzinfo=TZ).utcoffset(), datetime(2026, 3, 1, 21, tzinfo=TZ).utcoffset()}
    assert offsets == {timedelta(hours=1), timedelta(0)}  # the test data does cross an offset change


@pytest.mark.parametrize(
    "name, value",
    [
        ("DAMANCOM_WINDOWS", "21:00-20:00"),
        ("DAMANCOM_WINDOWS", "le soir"),
        ("DAMANCOM_FIRST_ATTEMPT", "1er à 21h"),
        ("DAMANCOM_DEADLINE", "31 23:59"),
        ("DAMANCOM_DEADLINE_OVERRIDES", "juin=17 juillet"),
    ],
)
def test_bad_plan_settings_name_their_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        parse_plan({name: value})


def test_on_the_last_day_at_06h_the_evening_window_remains():
    """Logged in on the 10th at 06:05, not declared yet: not « no slot left », the 21:00 window."""
    when = PLAN.next_attempt(at(2026, 11, 10, 6, 5), RETRY_TOMORROW, "2026-10", RNG)
    assert when is not None and at(2026, 11, 10, 21, 0) <= when <= at(2026, 11, 10, 21, 10)
    late = PLAN.next_attempt(at(2026, 11, 10, 23, 50), RETRY, "2026-10", RNG)
    assert late is None or late <= PLAN.deadline("2026-10")


def test_a_busy_account_is_retried_soon_not_stopped():
    decision, reason = decide(7, None)
    assert decision not in (STOP, DONE) and reason == "busy"
    when = PLAN.next_attempt(at(2026, 11, 3, 21, 5), decision, "2026-10", RNG)
    assert at(2026, 11, 3, 21, 20) <= when <= at(2026, 11, 3, 21, 30)


def test_a_browser_refused_by_the_firewall_is_not_retried_blindly():
    """Exit 10: the same browser would be refused at every window; the person is told what to do."""
    from bot.ledger.words import STOPPED, reason

    decision, code = decide(10, None)
    assert decision == STOP and code == "browser_refused" and code in STOPPED
    assert "fenêtre visible" in reason(code)
    assert PLAN.next_attempt(at(2026, 11, 3, 10, 0), decision, "2026-10", RNG) is None


def test_a_window_until_midnight_includes_the_last_minute_of_the_day():
    """« 00:00-23:59 » left 23:59 out: two scheduler tests that want a try at once, started in that
    minute (Moroccan time), saw their first try planned for 00:00 and failed."""
    from bot.settings.readers import window_label

    plan = parse_plan({"DAMANCOM_WINDOWS": "21:00-24:00"})
    assert plan.in_window(datetime(2026, 12, 1, 23, 59, 30, tzinfo=TZ))
    assert not plan.in_window(datetime(2026, 12, 2, 0, 0, 30, tzinfo=TZ))
    assert [window_label(*w) for w in plan.windows] == ["21:00-24:00"]
    for wrong in ("24:00-23:00", "21:00-24:30", "21:00-25:00"):
        with pytest.raises(ConfigError, match="24:00 pour minuit"):
            parse_plan({"DAMANCOM_WINDOWS": wrong})
