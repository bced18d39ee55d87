"""The planner and its ledger, with a simulated clock and scripted outcomes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.ledger import ledger as L
from bot.ledger.words import period_line
from bot.schedule.attempt import Outcome
from bot.system.clock import TZ
from tests.support.planner import make


def test_first_attempt_then_evening_retry_then_done(tmp_path):
    planner, clock, runs = make(
        tmp_path,
        [Outcome(4, None, None, "Portail indisponible."), Outcome(0, "declared", "/r/2", "ok")],
        datetime(2026, 11, 1, 21, 0, tzinfo=TZ),
    )
    assert planner.tick() == ["2026-10"]
    row = planner.ledger.period("PHARMA-1", "2026-10")
    assert (
        row.state == L.PENDING
        and row.next_attempt.hour == 21
        and "portail indisponible à 01/11 21:00" in period_line(row)
    )
    clock.now = row.next_attempt
    planner.tick()
    assert planner.ledger.period("PHARMA-1", "2026-10").state == L.DONE
    clock.now += timedelta(days=3)
    assert planner.tick() == []  # a done period is never attempted again
    assert len(runs) == 2
    assert [a.outcome for a in planner.ledger.attempts("PHARMA-1", "2026-10")] == ["declared", "portal_down"]


def test_credentials_rejected_stops_without_retry(tmp_path):
    planner, clock, runs = make(
        tmp_path, [Outcome(5, None, None, "Mot de passe refusé.")], datetime(2026, 11, 1, 21, 0, tzinfo=TZ)
    )
    planner.tick()
    row = planner.ledger.period("PHARMA-1", "2026-10")
    assert row.state == L.NEEDS_ATTENTION and row.next_attempt is None
    assert "pas de nouvel essai" in period_line(row)
    assert any("intervention nécessaire" in title for title, _ in planner.notifier.sent)
    clock.now += timedelta(days=1)
    planner.tick()
    assert len(runs) == 1


def test_missed_while_off_waits_for_the_next_window_and_says_so_once(tmp_path):
    planner, clock, runs = make(tmp_path, [Outcome(0, "declared", None, "ok")], datetime(2026, 11, 1, 9, 0, tzinfo=TZ))
    assert planner.tick() == []  # planned for the 1st at 21:00; then the computer is off until the 5th
    clock.now = datetime(2026, 11, 5, 8, 0, tzinfo=TZ)
    assert planner.tick() == []  # the 1st at 21:00 was missed: not now, in busy hours
    row = planner.ledger.period("PHARMA-1", "2026-10")
    assert row.next_attempt == datetime(2026, 11, 5, 21, 0, tzinfo=TZ) and row.next_reason == "missed"
    clock.now = datetime(2026, 11, 5, 21, 0, tzinfo=TZ)
    assert planner.tick() == ["2026-10"]
    assert planner.tick() == []
    warnings = [t for t, _ in planner.notifier.sent if "allumé le soir" in t]
    assert len(warnings) == 1


def test_after_the_deadline_nothing_is_attempted_and_the_alert_is_sent_once(tmp_path):
    outcomes = [Outcome(4, None, None, "Portail indisponible.")] * 20
    planner, clock, runs = make(tmp_path, outcomes, datetime(2026, 11, 10, 23, 20, tzinfo=TZ))
    planner.ledger.ensure("PHARMA-1", "2026-10", planner.plan.deadline("2026-10"), clock.now, clock.now)
    planner.tick()
    row = planner.ledger.period("PHARMA-1", "2026-10")
    assert row.state == L.NEEDS_ATTENTION and "plus de créneau avant l'échéance" in period_line(row)
    clock.now = datetime(2026, 11, 11, 8, 0, tzinfo=TZ)
    planner.tick()
    planner.tick()
    alerts = [t for t, _ in planner.notifier.sent if "échéance dépassée" in t]
    assert len(alerts) == 1 and len(runs) == 1


def test_reminders_d3_and_d1_once_each(tmp_path):
    outcomes = [Outcome(3, None, None, "Personne n'a répondu.")] * 30
    planner, clock, runs = make(tmp_path, outcomes, datetime(2026, 11, 7, 10, 30, tzinfo=TZ))
    planner.ledger.ensure(
        "PHARMA-1", "2026-10", planner.plan.deadline("2026-10"), datetime(2026, 11, 7, 21, 0, tzinfo=TZ), clock.now
    )
    planner.tick()
    planner.tick()
    clock.now = datetime(2026, 11, 9, 10, 5, tzinfo=TZ)
    planner.tick()
    titles = [t for t, _ in planner.notifier.sent if "rappel" in t]
    assert titles == ["Damancom : rappel J-3 pour 2026-10", "Damancom : rappel J-1 pour 2026-10"]


def test_status_json_shape(tmp_path, run_cli):
    planner, clock, runs = make(
        tmp_path / "state", [Outcome(4, None, "/r/1", "Portail indisponible.")], datetime(2026, 11, 3, 21, 2, tzinfo=TZ)
    )
    planner.tick()
    result = run_cli("status", "--json", env={"DAMANCOM_STATE_DIR": str(tmp_path / "state")}, process=True)
    data = json.loads(result.stdout)
    period = data["accounts"][0]["periods"][0]
    assert data["accounts"][0]["account"] == "PHARMA-1"
    assert set(period) == {
        "period",
        "state",
        "deadline",
        "next_attempt",
        "reason",
        "reason_fr",
        "overdue",
        "receipt",
        "note",
        "attempts",
    }
    assert period["reason"] == "portal_down" and set(data["scheduler"]) >= {"running", "last_tick", "stopped"}
    assert period["state"] == "pending" and period["period"] == "2026-10"
    assert set(period["attempts"][0]) == {"started", "ended", "exit_code", "outcome", "audit_folder"}
    assert period["attempts"][0]["outcome"] == "portal_down"  # codes in JSON, French in the text
    assert period["attempts"][0]["exit_code"] == 4
    text = run_cli("status", env={"DAMANCOM_STATE_DIR": str(tmp_path / "state")}).stdout
    assert "Compte PHARMA-1 - période 2026-10 : en attente (échéance 10/11/2026 23:59)" in text
    assert "portail indisponible à 03/11 21:02, nouvel essai le 03/11 21:" in text


def test_corrupted_ledger_is_a_clear_error(tmp_path, run_cli):
    state = tmp_path / "state"
    state.mkdir()
    (state / L.FILE).write_bytes(b"ceci n'est pas une base SQLite" * 100)
    result = run_cli("status", env={"DAMANCOM_STATE_DIR": str(state)})
    assert result.returncode == 2 and "registre" in result.stderr and "illisible" in result.stderr
    assert (state / L.FILE).read_bytes().startswith(b"ceci n'est pas")  # left as it was
