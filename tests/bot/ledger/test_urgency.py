"""The ranking `status` and the dashboard list periods by: what needs the person first."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.ledger import ledger as L
from bot.ledger import urgency as U
from bot.system.clock import TZ

NOW = datetime(2026, 11, 8, 12, 0, tzinfo=TZ)


def row(state=L.PENDING, reason="first_planned", hours=100.0, account="A", period="2026-10") -> L.PeriodRow:
    return L.PeriodRow(account, period, state, NOW + timedelta(hours=hours), None, reason, None)


@pytest.mark.parametrize(
    "case, flags, group, family",
    [
        (row(L.IN_PROGRESS, "sms_possible"), {"awaited": True}, U.AWAITED, "en-cours"),
        (row(L.PENDING, "portal_down"), {"awaited": True}, U.AWAITED, "en-cours"),  # a `login` by hand waits
        (row(L.DONE, "filed"), {"awaited": True}, U.FILED, "deposee"),  # filed stays filed
        (row(L.PENDING, "rejected"), {}, U.STOPS, "echec"),
        (row(L.PENDING, "screens_changed"), {}, U.STOPS, "echec"),
        (row(L.PENDING, "browser_refused"), {}, U.STOPS, "echec"),
        (row(L.PENDING, "bad_input"), {}, U.STOPS, "echec"),
        (row(L.NEEDS_ATTENTION, "verify_submission"), {}, U.STOPS, "echec"),
        (row(L.MANUAL, "deadline_passed", hours=-2), {}, U.CLOSE, "echec"),  # passed: the closest of all
        (row(L.PENDING, "rejected", hours=30), {}, U.CLOSE, "echec"),  # a failure due soon is ranked by its deadline
        (row(L.IN_PROGRESS, "in_progress"), {"interrupted": True}, U.STOPS, "echec"),
        (row(L.IN_PROGRESS, "in_progress", hours=10), {}, U.CLOSE, "en-cours"),
        (row(L.SUBMITTING, "submitting", hours=200), {}, U.LATER, "en-cours"),
        (row(L.PENDING, "portal_down", hours=72), {}, U.CLOSE, "a-faire"),  # J-3 exactly: close
        (row(L.PENDING, "portal_down", hours=72.1), {}, U.LATER, "a-faire"),
        (row(L.MANUAL, "declined_stop", hours=5), {}, U.CLOSE, "a-faire"),
        (row(L.DONE, "seen_declared"), {}, U.FILED, "deposee"),
    ],
)
def test_group_and_family(case, flags, group, family):
    assert U.group(case, NOW, **flags) == group
    assert U.family(case, group, interrupted=flags.get("interrupted", False)) == family


def test_order_code_first_then_close_deadlines_then_failures_then_the_rest():
    rows = [
        row(L.DONE, "filed", hours=-500, account="vieux", period="2026-09"),
        row(L.DONE, "filed", hours=200, account="recent"),
        row(L.PENDING, "first_planned", hours=300, account="loin"),
        row(L.PENDING, "portal_down", hours=30, account="proche"),
        row(L.PENDING, "portal_down", hours=4, account="urgent"),
        row(L.PENDING, "rejected", hours=400, account="refuse"),
        row(L.IN_PROGRESS, "sms_possible", hours=500, account="code"),
        row(L.IN_PROGRESS, "in_progress", hours=50, account="coupe"),
    ]
    ranked = U.ranked(rows, NOW, awaited={"code"}, scheduler_running=False)
    assert [r.account for r in ranked] == ["code", "urgent", "proche", "coupe", "refuse", "loin", "recent", "vieux"]


def test_ties_are_broken_by_account_then_period():
    rows = [row(account="b"), row(account="a", period="2026-09"), row(account="a")]
    ranked = [(r.account, r.period) for r in U.ranked(rows, NOW)]
    assert ranked == [("a", "2026-09"), ("a", "2026-10"), ("b", "2026-10")]


def test_now_is_injected_a_later_now_makes_the_same_deadline_closer():
    late = row(hours=100)
    assert U.group(late, NOW) == U.LATER
    assert U.group(late, NOW + timedelta(hours=50)) == U.CLOSE
    assert U.hours_left(late, NOW + timedelta(hours=50)) == 50


@pytest.mark.parametrize(
    "hours, words",
    [
        (-0.5, "échéance dépassée"),
        (0.4, "échéance dans moins d'une heure"),
        (5.2, "échéance dans 5 h"),
        (47, "échéance dans 47 h"),
        (72, "échéance dans 3 j"),
    ],
)
def test_how_close_a_deadline_is_in_french(hours, words):
    from bot.ledger.words import hours_fr

    assert hours_fr(hours) == words
