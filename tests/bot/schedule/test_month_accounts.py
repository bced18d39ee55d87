"""Three accounts planned by one scheduler over one ledger: a simulated month, each account with
its own plan, never more attempts at once than DAMANCOM_PARALLEL; and `status` per account."""

from __future__ import annotations

import json
import threading

from bot.ledger import ledger as L
from bot.output.notify import Notifier
from bot.schedule.attempt import Outcome
from bot.schedule.fleet import FleetPlanner
from bot.schedule.plan import Plan
from bot.schedule.service import Planner
from bot.settings.config import Settings
from bot.system.clock import TZ
from tests.bot.schedule.month_sim import ACCOUNTS, FLEET_SCENARIOS, PERIOD, SCENARIOS, at, simulate_accounts
from tests.support.waiting import wait_until

MORNING_ONLY = {"DAMANCOM_WINDOWS": "05:00-06:30"}  # the third employer's own windows (accounts file)


def test_three_accounts_one_ledger_each_its_own_plan(tmp_path):
    fleet = simulate_accounts(
        SCENARIOS["éteint du 1er au 9 à 14:00"](), tmp_path, parallel=2, envs={"PHARMA-3": MORNING_ONLY}
    )
    assert set(fleet.results) == set(ACCOUNTS)
    for name, result in fleet.results.items():
        assert result.states[PERIOD] == L.DONE, (name, result.reasons)
        assert result.attempts >= 1 and result.sms <= 3
    third = fleet.results["PHARMA-3"].runs
    assert any(m.astimezone(TZ).hour in (5, 6) for m in third) or all(
        m.astimezone(TZ).date() == at(10).date() for m in third
    )
    assert fleet.most_at_once <= 2
    rows = L.Ledger(tmp_path).periods()
    assert {r.account for r in rows} == set(ACCOUNTS)  # one ledger, one line per account and period


def test_never_more_attempts_at_once_than_allowed(tmp_path):
    """Blocking attempts: two start, the third waits for a slot, then runs."""
    release, started, lock = threading.Event(), [], threading.Lock()

    def runner(name):
        def run(period):
            with lock:
                started.append(name)
            release.wait(30)
            return Outcome(0, "declared", "/r", "Espace affilié atteint.", periods=[("10/2026", "Déclarée")])

        return run

    now = lambda: at(1, 21, 30)  # noqa: E731 - inside the evening window
    ledger = L.Ledger(tmp_path)
    planners = [
        Planner(Settings(account=name, state_dir=tmp_path), Plan(), ledger, Notifier([]), run=runner(name), now=now)
        for name in ACCOUNTS
    ]
    fleet = FleetPlanner(planners, 2, now=now)
    ticking = threading.Thread(target=fleet.tick)
    ticking.start()
    wait_until(lambda: len(started) == 2, timeout=30)
    wait_until(lambda: len([r for r in ledger.periods() if r.state == L.IN_PROGRESS]) == 3, timeout=30)
    assert len(started) == 2  # all three begun in the ledger, the third waits for a slot
    release.set()
    ticking.join(30)
    assert sorted(started) == sorted(ACCOUNTS)
    assert all(r.state == L.DONE for r in ledger.periods())


def test_status_one_line_per_account_and_period(tmp_path, run_cli):
    simulate_accounts(SCENARIOS["démarré le 11"](), tmp_path / "state", parallel=3)
    text = run_cli("status")
    assert text.returncode == 0
    for name in ACCOUNTS:
        assert sum(line.startswith(f"Compte {name} - période ") for line in text.stdout.splitlines()) == 1
    data = json.loads(run_cli("status", "--json").stdout)
    assert sorted(a["account"] for a in data["accounts"]) == sorted(ACCOUNTS)
    one = json.loads(run_cli("status", "--json", "--account", "PHARMA-2").stdout)
    assert [a["account"] for a in one["accounts"]] == ["PHARMA-2"]


def test_three_accounts_on_one_phone_never_two_codes_at_once(tmp_path):
    """Three attempts due together, DAMANCOM_PARALLEL=3, one phone: the SMS come one after the other
    (no code typed into the wrong account), and every period is filed."""
    scenario, options = FLEET_SCENARIOS["trois comptes, un téléphone"]()
    fleet = simulate_accounts(scenario, tmp_path, **options)
    assert fleet.most_on_one_phone == 1
    for name, result in fleet.results.items():
        assert result.states[PERIOD] == L.DONE and result.sms == 1, (name, result.reasons)
        assert result.runs == [at(1, 21)] or result.runs[0] == at(1, 21)


def blocking_fleet(tmp_path, phones: dict[str, str], parallel: int = 3):
    release, started, lock = threading.Event(), [], threading.Lock()

    def runner(name):
        def run(period):
            with lock:
                started.append(name)
            release.wait(30)
            return Outcome(0, "declared", "/r", "Espace affilié atteint.", periods=[("10/2026", "Déclarée")])

        return run

    now = lambda: at(1, 21, 30)  # noqa: E731 - inside the evening window
    ledger = L.Ledger(tmp_path)
    planners = [
        Planner(
            Settings(account=name, state_dir=tmp_path, phone=phones.get(name, "")),
            Plan(),
            ledger,
            Notifier([]),
            run=runner(name),
            now=now,
        )
        for name in ACCOUNTS
    ]
    return FleetPlanner(planners, parallel, now=now), release, started, ledger


def test_accounts_sharing_a_phone_take_turns_others_go_on(tmp_path):
    phones = {"PHARMA-1": "06 12 34 56 78", "PHARMA-2": "+212 6 12 34 56 78", "PHARMA-3": "0699999999"}
    fleet, release, started, ledger = blocking_fleet(tmp_path, phones)
    ticking = threading.Thread(target=fleet.tick)
    ticking.start()
    wait_until(lambda: len(started) == 2, timeout=30)  # one of the shared phone's accounts, and PHARMA-3
    wait_until(lambda: len([r for r in ledger.periods() if r.state == L.IN_PROGRESS]) == 3, timeout=30)
    assert "PHARMA-3" in started and len({"PHARMA-1", "PHARMA-2"} & set(started)) == 1
    release.set()
    ticking.join(30)
    assert sorted(started) == sorted(ACCOUNTS) and all(r.state == L.DONE for r in ledger.periods())
