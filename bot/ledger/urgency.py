"""Which period needs the person first (`status`, the dashboard): one pure ranking, `now` given.

Order: a run waiting for the person (a code to give, « prêt ? »); then every open period whose
deadline is close (under NEAR, a passed one first), fewest hours left first, failures or not; then
what the bot will not try again until the person acts (refused, screens changed, browser refused,
bad input, an attempt left interrupted) with a far deadline; then the other open periods by hours
left; filed periods last, the latest first."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.ledger import ledger as L
from bot.ledger.words import STOPPED

NEAR = timedelta(days=3)  # the J-3 reminder: from then on a deadline is close
AWAITED, CLOSE, STOPS, LATER, FILED = range(5)
GROUPS = ("awaited", "deadline_close", "stopped", "later", "filed")  # codes for `status --json`, by rank
BY_HAND = {"deadline_passed", "no_slot_left"}  # the bot gave up: the person files it by hand
# `status --etat WORD`: French words a person types, each a family of states.
FAMILIES = ("a-faire", "en-cours", "echec", "deposee")


def stopped(row: L.PeriodRow, *, interrupted: bool = False) -> bool:
    """The bot will not try this period again until the person acts."""
    return row.state == L.NEEDS_ATTENTION or interrupted or row.next_reason in STOPPED | BY_HAND


def group(row: L.PeriodRow, now: datetime, *, awaited: bool = False, interrupted: bool = False) -> int:
    """`awaited`: a live run of this account waits for the person; `interrupted`: an attempt is
    left open with no scheduler to resume it."""
    if row.state == L.DONE:
        return FILED
    if awaited:
        return AWAITED
    if row.deadline - now <= NEAR:
        return CLOSE
    return STOPS if stopped(row, interrupted=interrupted) else LATER


def hours_left(row: L.PeriodRow, now: datetime) -> float:
    return (row.deadline - now).total_seconds() / 3600


def key(row: L.PeriodRow, now: datetime, *, awaited: bool = False, interrupted: bool = False) -> tuple:
    """Sort key: group, then fewest hours left (filed: the latest period first), then names."""
    rank = group(row, now, awaited=awaited, interrupted=interrupted)
    hours = hours_left(row, now)
    return rank, -hours if rank == FILED else hours, row.account, row.period


def ranked(rows, now: datetime, *, awaited=frozenset(), scheduler_running: bool = True) -> list[L.PeriodRow]:
    """`rows` most urgent first; `awaited`: the accounts whose run waits for the person."""
    return sorted(
        rows,
        key=lambda r: key(
            r, now, awaited=r.account in awaited, interrupted=r.state == L.IN_PROGRESS and not scheduler_running
        ),
    )


def family(row: L.PeriodRow, rank: int, *, interrupted: bool = False) -> str:
    """The `--etat` word a period answers to, from its state and its group."""
    if rank == FILED:
        return "deposee"
    if rank != AWAITED and stopped(row, interrupted=interrupted):
        return "echec"
    if rank == AWAITED or row.state in (L.IN_PROGRESS, L.SUBMITTING):
        return "en-cours"
    return "a-faire"
