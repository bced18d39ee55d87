"""The defects of issue 12, one test each (simulated clock, scripted outcomes through the
planner's `run` injection point; real processes are in `test_service.py`)."""

from __future__ import annotations

import io
import json
import random
from datetime import datetime, timedelta

import pytest

from bot import cli
from bot.env import Env
from bot.exit_codes import ExitCode
from bot.handover import dropbox
from bot.ledger import ledger as L
from bot.output.notify import Notifier
from bot.schedule.attempt import Outcome
from bot.schedule.plan import Plan, parse_plan
from bot.schedule.service import Planner
from bot.settings.config import Settings
from bot.system.clock import TZ
from bot.system.files import write_atomic
from flows.interface import InterfaceSummary
from tests.support.planner import Clock, make

ACCOUNT, PERIOD = "PHARMA-1", "2026-10"


def at(day, hour=0, minute=0, month=11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def status(tmp_path, *args, **environ) -> str:
    out = io.StringIO()
    code = cli.main(
        ["status", *args],
        Env(environ={"DAMANCOM_STATE_DIR": str(tmp_path), **environ}, stdout=out, stderr=io.StringIO()),
    )
    assert code == 0
    return out.getvalue()


def titles(planner) -> list[str]:
    return [t for t, _ in planner.notifier.sent]


# Names added by this work are imported inside the tests that need them: on the code before it,
# every other test fails on its behaviour, not on an import.


# 1. A busy account lock is not a configuration error --------------------------------------
def test_busy_account_is_its_own_transient_error():
    from bot.errors import AccountBusy, ConfigError

    assert not issubclass(AccountBusy, ConfigError) and AccountBusy.exit_code == ExitCode.BUSY != ExitCode.BAD_INPUT


def test_busy_account_waits_a_little_and_never_stops_the_period(tmp_path):
    planner, clock, runs = make(
        tmp_path,
        [Outcome(7, None, None, "Une autre connexion est déjà en cours."), Outcome(0, "declared", None, "ok")],
        at(1, 21),
    )
    planner.tick()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.state == L.PENDING and row.next_reason == "busy"
    assert at(1, 21, 15) <= row.next_attempt <= at(1, 21, 25)
    assert titles(planner) == []  # nothing went wrong: no notification
    clock.now = row.next_attempt
    planner.tick()
    assert planner.ledger.period(ACCOUNT, PERIOD).state == L.DONE


def test_busy_shows_as_busy_in_status(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(7, None, None, "Une autre connexion est déjà en cours.")], at(1, 21))
    planner.tick()
    text = status(tmp_path)
    assert "compte occupé par une autre connexion" in text and "réglage" not in text


def test_restart_brings_back_a_period_stopped_by_an_old_lock_conflict(tmp_path):
    planner, clock, runs = make(tmp_path, [], at(3, 21))
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(1, 21), at(1, 9))
    planner.ledger.plan(
        ACCOUNT,
        PERIOD,
        L.NEEDS_ATTENTION,
        None,
        "réglage ou saisie incorrects : pas de nouvel essai",
        at(1, 21),
        note="Une autre connexion est déjà en cours pour le compte PHARMA-1 (planificateur).",
    )
    planner.recover()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.state == L.PENDING and row.next_attempt == at(3, 21)


def test_two_due_periods_are_handled_in_one_login(tmp_path):
    rows = [("09/2026", "Déclarée"), ("10/2026", "À déclarer")]
    plan = parse_plan({"DAMANCOM_DEADLINE_OVERRIDES": "2026-09=2026-11-17"})
    planner, clock, runs = make(tmp_path, [Outcome(0, "declared", None, "ok", periods=rows)], at(1, 21), plan)
    assert sorted(planner.tick()) == ["2026-09", "2026-10"]
    assert len(runs) == 1  # one login, one SMS
    assert planner.ledger.period(ACCOUNT, "2026-09").state == L.DONE
    october = planner.ledger.period(ACCOUNT, PERIOD)
    assert october.state == L.PENDING and october.next_reason == "to_declare"


def test_ticks_never_overlap(tmp_path):
    """APScheduler may fire a date job while the heartbeat's tick is running an attempt."""
    inner = []
    planner = None

    def run(period):
        inner.append(planner.tick())  # the second job, fired meanwhile
        return Outcome(4, None, None, "Portail indisponible.")

    clock = Clock(at(1, 21))
    planner = Planner(
        Settings(account=ACCOUNT, state_dir=tmp_path),
        Plan(),
        L.Ledger(tmp_path),
        Notifier([]),
        run=run,
        now=clock,
        rng=random.Random(1),
    )
    assert planner.tick() == [PERIOD]
    assert inner == [[]]


# 2. A crash while the filing is « en cours de confirmation » ------------------------------------
def test_crash_while_submitting_is_checked_on_the_portal_first(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(0, "declared", None, "ok")], at(10, 22, 50))
    ledger = planner.ledger
    ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(10, 22, 50), at(1, 9))
    ledger.begin(ACCOUNT, PERIOD, at(10, 22, 50))
    ledger.submitting(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(10, 22, 55))  # then the power went off
    clock.now = at(11, 8)  # back the next morning, after the deadline
    lines = planner.recover()
    assert any("vérifié sur le portail" in line for line in lines)
    row = ledger.period(ACCOUNT, PERIOD)
    assert row.state == L.PENDING and row.next_reason == "verify_submission"
    assert planner.tick() == [PERIOD]  # checked even after the deadline: a check, not a new filing
    assert ledger.period(ACCOUNT, PERIOD).state == L.DONE
    assert not any("échéance dépassée" in t for t in titles(planner))


def test_child_dying_after_the_final_click_plans_a_check_not_a_stop(tmp_path):
    def dies_after_click(period):
        planner.ledger.submitting(ACCOUNT, period, planner.plan.deadline(period), at(3, 21, 5))
        return Outcome(1, None, None, "Le processus s'est arrêté.")

    planner, clock, runs = make(tmp_path, [dies_after_click], at(3, 21))
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(3, 21), at(1, 9))
    planner.tick()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.state == L.PENDING and row.next_reason == "verify_submission"
    assert row.next_attempt == at(4, 6)  # the next window: an SMS went out for that run
    assert any("à vérifier" in t for t in titles(planner))


# 3. A deadline override added after the period is in the ledger ----------------------------------
def test_override_added_later_applies_when_read(tmp_path):
    env = {}
    planner, clock, runs = make(tmp_path, [Outcome(4, None, None, "Portail indisponible.")] * 40, at(10, 23, 20))
    planner._plan_source = lambda: parse_plan(env)
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(10, 23, 20), at(1, 9))
    planner.tick()
    assert planner.ledger.period(ACCOUNT, PERIOD).next_reason == "no_slot_left"
    env["DAMANCOM_DEADLINE_OVERRIDES"] = "2026-10=2026-11-17"  # `.env` edited: the CNSS extended it
    clock.now = at(11, 8)
    planner.tick()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.state == L.PENDING and row.next_attempt == at(11, 21)
    assert row.deadline == at(17, 23, 59)
    clock.now = at(11, 21)
    assert planner.tick() == [PERIOD]
    assert not any("échéance dépassée" in t for t in titles(planner))


# 4. First start after the deadline --------------------------------------------------------------
def test_first_start_after_the_deadline_shows_the_late_period_with_one_alert(tmp_path):
    planner, clock, runs = make(tmp_path, [], at(11, 9))
    planner.tick()
    planner.tick()
    assert titles(planner) == [f"Damancom : échéance dépassée pour {PERIOD}"]
    data = json.loads(status(tmp_path, "--json"))
    period = data["accounts"][0]["periods"][0]
    assert period["period"] == PERIOD and period["state"] == L.NEEDS_ATTENTION and period["reason"] == "deadline_passed"
    assert "done --period 2026-10" in planner.notifier.sent[0][1]


# 5. The 10th at 06:00 ---------------------------------------------------------------------------
def test_the_evening_window_of_the_last_day_still_counts(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(0, "to_declare", None, "ok")], at(10, 6))
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(10, 6), at(1, 9))
    planner.tick()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.state == L.PENDING and at(10, 21) <= row.next_attempt <= at(10, 21, 10)
    assert not any("plus de créneau" in t for t in titles(planner))


# 6. Catch-up --------------------------------------------------------------------------------------
def test_missed_on_the_deadline_day_runs_in_the_daytime(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(4, None, None, "Portail indisponible.")] * 3, at(9, 21))
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(9, 21), at(1, 9))
    clock.now = at(10, 9)  # off from 21:00 the day before
    assert planner.tick() == [PERIOD]


# 7. Cut short after the SMS ----------------------------------------------------------------------
def test_run_cut_after_the_sms_waits_for_the_next_window(tmp_path):
    planner, clock, runs = make(tmp_path, [], at(3, 21))
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(3, 21), at(1, 9))
    planner.ledger.begin(ACCOUNT, PERIOD, at(3, 21))
    folder = dropbox.handover_dir(tmp_path, ACCOUNT)  # what a run killed in the code step leaves behind
    write_atomic(
        folder / dropbox.WAITING, {"run_id": "x", "pid": 999999, "phase": "code", "since": at(3, 21, 1).timestamp()}
    )
    clock.now = at(3, 21, 4)  # killed and restarted within minutes
    planner.recover()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.next_reason == "interrupted_after_sms" and row.next_attempt == at(4, 6)
    assert planner.tick() == []
    assert planner.ledger.attempts(ACCOUNT, PERIOD)[0].outcome == "interrupted_after_sms"


def test_run_cut_before_the_sms_is_redone_at_once(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(4, None, None, "Portail indisponible.")], at(3, 21))
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(3, 21), at(1, 9))
    planner.ledger.begin(ACCOUNT, PERIOD, at(3, 21))
    clock.now = at(3, 21, 4)
    planner.recover()
    assert planner.tick() == [PERIOD]


def test_run_cut_before_the_sms_in_busy_hours_waits_for_the_window(tmp_path):
    planner, clock, runs = make(tmp_path, [], at(3, 7, 20))
    planner.ledger.ensure(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), at(3, 7, 20), at(1, 9))
    planner.ledger.begin(ACCOUNT, PERIOD, at(3, 7, 20))
    clock.now = at(3, 14)  # the computer came back in the afternoon
    planner.recover()
    assert planner.ledger.period(ACCOUNT, PERIOD).next_attempt == at(3, 21)
    assert planner.tick() == []


# 8. Filed by hand ---------------------------------------------------------------------------------
def test_done_command_stops_attempts_and_shows_in_status(tmp_path):
    planner, clock, runs = make(tmp_path, [], at(1, 9))
    planner.tick()
    out = io.StringIO()
    env = Env(
        environ={"DAMANCOM_STATE_DIR": str(tmp_path), "DAMANCOM_IDENTIFIER": ACCOUNT}, stdout=out, stderr=io.StringIO()
    )
    assert cli.main(["done", "--period", PERIOD], env) == 0
    assert "déclarée à la main" in out.getvalue()
    clock.now = at(1, 21)
    assert planner.tick() == [] and runs == []
    assert "faite" in status(tmp_path) and "déclarée à la main" in status(tmp_path)


def test_any_login_that_sees_declared_closes_the_period(tmp_path):
    planner, clock, runs = make(tmp_path, [], at(1, 9))
    planner.tick()
    L.note_login(tmp_path, ACCOUNT, InterfaceSummary("X", "1", [("10/2026", "Déclarée")]), at(3, 12))
    assert planner.ledger.period(ACCOUNT, PERIOD).state == L.DONE
    clock.now = at(3, 21)
    assert planner.tick() == []


# 9. File refusals are not refused logins ---------------------------------------------------------
def test_file_refusals_are_not_credential_refusals():
    from bot.errors import CredentialsRejected, FileRefused
    from bot.run.filing_task import FileRefusedByPortal, FileRefusedLocally

    for kind in (FileRefusedByPortal, FileRefusedLocally):
        assert issubclass(kind, FileRefused) and not issubclass(kind, CredentialsRejected)
    assert FileRefusedByPortal.exit_code == ExitCode.REJECTED and FileRefusedLocally.exit_code == ExitCode.BAD_INPUT


# 10. Status tells the truth ---------------------------------------------------------------------
def test_status_after_a_kill_says_interrupted_and_no_scheduler(tmp_path):
    from bot.schedule import heartbeat

    planner, clock, runs = make(tmp_path, [], at(1, 9))
    planner.tick()
    planner.ledger.begin(ACCOUNT, PERIOD, at(1, 21))
    write_atomic(tmp_path / heartbeat.FILE, {"pid": 1, "created": 0.0, "last_tick": at(1, 21).isoformat()})  # died
    text = status(tmp_path)
    assert "essai interrompu" in text and "essai en cours" not in text
    assert "Planificateur : aucun ne tourne" in text
    data = json.loads(status(tmp_path, "--json"))
    assert data["scheduler"]["running"] is False and data["accounts"][0]["periods"][0]["state"] == "interrupted"


def test_status_shows_a_running_scheduler_its_last_tick_and_an_overdue_attempt(tmp_path):
    from bot.schedule import heartbeat

    planner, clock, runs = make(tmp_path, [], at(1, 9))
    planner.tick()
    heartbeat.started(tmp_path, at(1, 9))  # this process plays the scheduler
    heartbeat.ticked(tmp_path, datetime(2026, 11, 1, 9, tzinfo=TZ))
    planner.ledger.plan(
        ACCOUNT,
        PERIOD,
        L.PENDING,
        datetime.now(TZ) - timedelta(hours=2),
        "portal_down",
        datetime.now(TZ) - timedelta(hours=3),
    )
    far = {"DAMANCOM_DEADLINE_OVERRIDES": "2026-10=2099-12-31"}  # status reads the plan too: still open
    data = json.loads(status(tmp_path, "--json", **far))
    assert data["scheduler"]["running"] is True and data["scheduler"]["last_tick"].startswith("2026-11-01T09:00")
    text = status(tmp_path, **far)
    assert "Planificateur : actif" in text and "dernier passage 01/11/2026 09:00" in text
    assert data["accounts"][0]["periods"][0]["overdue"] is True and "en retard" in text


def test_status_says_why_the_scheduler_stopped(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    env = Env(
        environ={"DAMANCOM_STATE_DIR": str(tmp_path), "DAMANCOM_ENV_FILE": str(tmp_path / "none.env")},
        stdout=out,
        stderr=err,
    )
    (tmp_path / "none.env").write_text("DAMANCOM_URL=pas-une-adresse\n", encoding="utf-8")
    assert cli.main(["schedule"], env) == 2
    text = status(tmp_path)
    assert "arrêté le" in text and "code 2" in text and "DAMANCOM_URL" in text


# PersonDeclined (contract with the hand-over) and « no noise » -------------------------------------
def test_not_now_moves_to_the_next_window_quietly(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(3, None, None, "Pas maintenant.", reason="not_now")], at(1, 21))
    planner.tick()
    row = planner.ledger.period(ACCOUNT, PERIOD)
    assert row.state == L.PENDING and row.next_reason == "declined_not_now" and at(2, 6) <= row.next_attempt < at(2, 7)
    assert titles(planner) == []


def test_stop_ends_attempts_and_status_says_the_person_files_it(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(3, None, None, "Stop.", reason="stop")], at(1, 21))
    planner.tick()
    assert planner.ledger.period(ACCOUNT, PERIOD).state == L.MANUAL
    clock.now = at(2, 21)
    assert planner.tick() == []
    text = status(tmp_path)
    assert "à déposer par vous" in text and "done --period 2026-10" in text


def test_result_file_carries_the_reason(tmp_path):
    from bot.schedule.attempt import write_result

    write_result(str(tmp_path / "r.json"), 3, None, tmp_path, "Stop.", reason="stop")
    assert json.loads((tmp_path / "r.json").read_text())["reason"] == "stop"


def test_portal_down_gives_one_summary_a_day_at_most(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(4, None, None, "Portail indisponible.")] * 20, at(1, 21))
    for _ in range(8):
        planner.tick()
        clock.now = planner.ledger.period(ACCOUNT, PERIOD).next_attempt
    days = {when.astimezone(TZ).date() for _, when in runs}
    down = [t for t in titles(planner) if "portail indisponible" in t]
    assert len(runs) == 8 and len(down) == len(days) == 2


@pytest.mark.parametrize("code", [2, 5, 6])
def test_stops_still_stop(tmp_path, code):
    planner, clock, runs = make(tmp_path, [Outcome(code, None, None, "Non.")], at(1, 21))
    planner.tick()
    assert planner.ledger.period(ACCOUNT, PERIOD).state == L.NEEDS_ATTENTION
