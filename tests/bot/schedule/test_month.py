"""Simulated months (`month_sim.py`): each ends with the period declared or a precise alert, with
attempts in the off-peak windows, few SMS and few notifications."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from bot.ledger import ledger as L
from bot.output.notify import read_record
from bot.system.clock import TZ
from tests.bot.schedule.month_sim import PERIOD, SCENARIOS, at, simulate

EVENING, MORNING = ((21, 0), (23, 30)), ((6, 0), (7, 30))


@pytest.fixture
def state_dir(tmp_path):
    """In memory when the machine offers it: the ledger's fsyncs are not what is tested here."""
    shm = Path("/dev/shm")
    if shm.is_dir():
        with tempfile.TemporaryDirectory(dir=shm) as folder:
            yield Path(folder)
    else:
        yield tmp_path


def in_window(moment) -> bool:
    local = moment.astimezone(TZ)
    return any((a <= (local.hour, local.minute) < b) for a, b in (EVENING, MORNING))


def run(name: str, state_dir: Path):
    return simulate(SCENARIOS[name](), state_dir)


def test_computer_on_only_in_the_daytime(state_dir):
    r = run("allumé 09:00-18:00 seulement", state_dir)
    assert all(m.astimezone(TZ).date() == at(10).date() for m in r.runs)  # daytime only on the last day
    assert r.notifications.count("Damancom : laissez l'ordinateur allumé le soir") == 1
    assert r.states[PERIOD] == L.NEEDS_ATTENTION and r.reasons[PERIOD] == "deadline_passed"
    assert r.notifications[-1] == f"Damancom : échéance dépassée pour {PERIOD}"


def test_computer_off_until_the_9th_at_14h(state_dir):
    r = run("éteint du 1er au 9 à 14:00", state_dir)
    assert r.runs == [at(9, 21)]  # the missed attempt waits for the evening window, not 14:00
    assert r.states[PERIOD] == L.DONE and r.sms == 1
    assert "Damancom : rappel J-3 pour 2026-10" not in r.notifications  # only the latest reminder


def test_first_started_after_the_deadline(state_dir):
    r = run("démarré le 11", state_dir)
    assert r.attempts == 0 and r.notifications == [f"Damancom : échéance dépassée pour {PERIOD}"]
    assert r.states[PERIOD] == L.NEEDS_ATTENTION


def test_two_periods_due_share_one_login(state_dir):
    r = run("deux périodes dues", state_dir)
    assert r.runs[0] == at(1, 21) and len(r.runs) == 2 and r.sms == 2
    assert r.states == {"2026-09": L.DONE, "2026-10": L.DONE}
    assert all(in_window(m) for m in r.runs)


@pytest.mark.parametrize(
    "name, reason",
    [("déposée à la main le 3 (done)", "filed_by_hand"), ("déposée à la main le 3 (vue au login)", "seen_declared")],
)
def test_filed_by_hand_on_the_3rd(state_dir, name, reason):
    r = run(name, state_dir)
    assert r.states[PERIOD] == L.DONE and r.reasons[PERIOD] in (reason, "declared")
    assert max(r.runs) < at(4)  # nothing after the 3rd
    assert all(in_window(m) for m in r.runs)
    daily = [t for t in r.notifications if "portail indisponible" in t]
    assert len(daily) <= 3  # one summary a day at most while the portal is merely down


def test_deadline_extended_mid_month(state_dir):
    r = run("échéance prolongée en cours de mois", state_dir)
    assert r.states[PERIOD] == L.DONE
    assert any(m > at(11) for m in r.runs)  # attempts went on past the usual 10th
    assert not any("échéance dépassée" in t or "plus de créneau" in t for t in r.notifications)
    assert all(in_window(m) for m in r.runs)
    days = {m.astimezone(TZ).date() for m in r.runs}
    assert len([t for t in r.notifications if "portail indisponible" in t]) <= len(days)


def test_away_until_the_8th_every_ready_question_goes_out(state_dir):
    """More « prêt ? » than the monthly budget (30): none silenced, none counted; filed on the 8th."""
    r = run("absent jusqu'au 8 (« prêt ? »)", state_dir)
    assert r.states[PERIOD] == L.DONE and r.sms == 1
    assert r.runs[-1].astimezone(TZ).date() == at(8).date()
    asked = r.notifications.count("Damancom : prêt pour la connexion ?")
    assert asked > 30 and r.delivered == len(r.notifications)
    record = read_record(state_dir)
    assert record["questions"] >= asked and record["count"] <= 30


def test_telegram_unreachable_all_month_is_recorded_and_shown(tmp_path, run_cli):
    r = simulate(SCENARIOS["Telegram injoignable tout le mois"](), tmp_path / "state")
    assert r.delivered == 0 and r.notifications
    record = read_record(tmp_path / "state")
    assert record["undelivered"] == len(r.notifications) and record["count"] == 0  # given back to the budget
    assert record["failed"][-1]["title"] == f"Damancom : échéance dépassée pour {PERIOD}"
    shown = run_cli("status")
    assert f"Notifications : {len(r.notifications)} non délivrée(s)" in shown.stdout
    assert "Telegram injoignable depuis le 01/11/2026 21:00" in shown.stdout
    data = json.loads(run_cli("status", "--json").stdout)
    assert data["notifications"]["undelivered"] == len(r.notifications)
    assert set(data["notifications"]["failing"]) == {"telegram"}


def test_telegram_unreachable_the_e_mail_still_asks_and_it_is_filed(state_dir):
    r = run("Telegram injoignable, e-mail aussi", state_dir)
    assert r.states[PERIOD] == L.DONE and r.delivered == len(r.notifications)
    channels = read_record(state_dir)["channels"]
    assert channels["telegram"]["failing_since"] and channels["apprise"]["failing_since"] is None


def test_clock_one_hour_late_on_the_deadline_day_plans_by_the_portals_time(tmp_path, run_cli):
    """Without the correction: tried at 00:15 on the 11th by the portal's clock and « filed » late,
    the ledger none the wiser. With it: no attempt after the deadline, the alerts before it."""
    r = simulate(SCENARIOS["horloge en retard d'1 h le 10"](), tmp_path / "state")
    deadline = at(10, 23, 59)
    assert all(m <= deadline for m in r.runs) and all(in_window(m) for m in r.runs)
    assert r.filed == {} and r.states[PERIOD] == L.NEEDS_ATTENTION
    assert "Damancom : horloge de l'ordinateur décalée" in r.notifications
    assert f"Damancom : plus de créneau pour {PERIOD}" in r.notifications  # sent at 23:xx, before the deadline
    shown = run_cli("status").stdout
    assert "Horloge : l'heure de cet ordinateur retarde de 1 h 00 min sur celle du portail" in shown
    assert json.loads(run_cli("status", "--json").stdout)["clock"]["offset_seconds"] == 3600
