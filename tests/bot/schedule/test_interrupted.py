"""A run cut short after its SMS may have gone out is recognised by its own write-ahead mark in the
ledger, whatever the wall clock did meanwhile (simulated clock, no bot runs; the real kill is in
`test_service.py`)."""

from __future__ import annotations

from datetime import datetime

from bot.handover import dropbox
from bot.ledger import ledger as L
from bot.system.clock import TZ
from bot.system.files import write_atomic
from tests.support.planner import make

ACCOUNT, PERIOD = "PHARMA-1", "2026-10"


def at(day, hour=0, minute=0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def begun(tmp_path, start):
    planner, clock, runs = make(tmp_path, [], start)
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), start, at(1, 9))
    planner.ledger.begin(ACCOUNT, PERIOD, start)
    return planner, clock, runs


def test_a_clock_set_back_during_the_code_step_cannot_hide_the_sms(tmp_path):
    planner, clock, runs = begun(tmp_path, at(3, 22))  # begun at 22:00, inside the evening window
    # The clock goes back one hour; the run writes its mark and opens the code phase at « 21:01 ».
    assert L.note_stage(tmp_path, ACCOUNT, L.SMS_POSSIBLE, at(3, 21, 1)) == 1
    write_atomic(
        dropbox.handover_dir(tmp_path, ACCOUNT) / dropbox.WAITING,
        {"run_id": "x", "pid": 999999, "phase": "code", "since": at(3, 21, 1).timestamp()},
    )
    clock.now = at(3, 21, 4)  # killed, restarted three minutes later, by the clock set back
    lines = planner.recover()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.next_reason == "interrupted_after_sms" and row.next_attempt == at(4, 6)  # the next window
    assert any("après l'envoi du SMS" in line for line in lines)
    assert planner.tick() == [] and runs == []  # no second SMS minutes later
    assert planner.ledger.attempts(ACCOUNT, PERIOD)[0].outcome == "interrupted_after_sms"


def test_the_mark_alone_is_enough_without_any_hand_over_file(tmp_path):
    planner, clock, runs = begun(tmp_path, at(3, 22))
    L.note_stage(tmp_path, ACCOUNT, L.SMS_POSSIBLE, at(3, 23, 50))  # a clock put forward this time
    clock.now = at(3, 22, 5)
    planner.recover()
    assert planner.ledger.period(ACCOUNT, PERIOD).next_reason == "interrupted_after_sms"
    assert planner.tick() == []


def test_a_code_step_completed_before_the_kill_is_redone_at_once(tmp_path):
    planner, clock, runs = begun(tmp_path, at(3, 22))
    L.note_stage(tmp_path, ACCOUNT, L.SMS_POSSIBLE, at(3, 22, 1))
    write_atomic(
        dropbox.handover_dir(tmp_path, ACCOUNT) / dropbox.WAITING,  # still there during the filing
        {"run_id": "x", "pid": 999999, "phase": "code", "since": at(3, 22, 1).timestamp()},
    )
    L.note_stage(tmp_path, ACCOUNT, L.CODE_STEP_DONE, at(3, 22, 2))  # the portal took the code
    clock.now = at(3, 22, 6)
    planner.recover()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.next_reason == "interrupted" and row.next_attempt == at(3, 22, 6)


def test_the_mark_goes_only_to_the_accounts_open_attempts(tmp_path):
    ledger = L.Ledger(tmp_path)
    for account in (ACCOUNT, "PHARMA-2"):
        ledger.ensure(account, PERIOD, at(10, 23), at(3, 22), at(1, 9))
    done = ledger.begin(ACCOUNT, PERIOD, at(2, 22))
    ledger.end(done, at(2, 22, 5), 4, "portal_down", "", None)
    ledger.plan(ACCOUNT, PERIOD, L.PENDING, at(3, 22), "portal_down", at(2, 22, 5))
    mine, other = ledger.begin(ACCOUNT, PERIOD, at(3, 22)), ledger.begin("PHARMA-2", PERIOD, at(3, 22))
    assert L.note_stage(tmp_path, ACCOUNT, L.SMS_POSSIBLE, at(3, 22, 1)) == 1
    stages = {a.id: a.stage for a in ledger.attempts(ACCOUNT, PERIOD) + ledger.attempts("PHARMA-2", PERIOD)}
    assert stages == {mine: L.SMS_POSSIBLE, done: None, other: None}
    assert ledger.period(ACCOUNT, PERIOD).next_reason == L.SMS_POSSIBLE  # `status`: « code SMS demandé »
    assert ledger.period("PHARMA-2", PERIOD).next_reason == "in_progress"


def test_no_ledger_no_mark_and_nothing_created(tmp_path):
    assert L.note_stage(tmp_path, ACCOUNT, L.SMS_POSSIBLE, at(3, 22)) == 0  # a person who never scheduled
    assert not (tmp_path / L.FILE).exists()
