"""The attempts due in one tick share one child (one driver, one browser): each account still opens
its own attempt before the child starts and settles it from its own outcome (scripted child; the
real one is in test_batch_child.py)."""

from __future__ import annotations

import threading

import pytest

from bot.ledger import ledger as L
from bot.output.notify import Notifier
from bot.schedule.attempt import Outcome
from bot.schedule.fleet import FleetPlanner
from bot.schedule.plan import Plan
from bot.schedule.service import Planner
from bot.settings.config import Settings
from tests.bot.schedule.month_sim import at

NOW = lambda: at(1, 21, 30)  # noqa: E731 - inside the evening window
FILED = Outcome(0, "declared", "/r/un", "Déclaration déposée.", periods=[("10/2026", "Déclarée")])
SEEN = Outcome(0, "to_declare", "/r/deux", "Espace affilié atteint.", periods=[("10/2026", "À déclarer")])


def planners(tmp_path, names, alone: list, phones: dict | None = None):
    ledger = L.Ledger(tmp_path)
    made = []
    for name in names:
        settings = Settings(
            account=name, state_dir=tmp_path, identifier=name.upper(), phone=(phones or {}).get(name, "")
        )

        def run(period, name=name):
            alone.append(name)
            return FILED

        planner = Planner(settings, Plan(), ledger, Notifier([]), run=run, now=NOW, child_account=name)
        planner.batchable = True  # as a planner whose attempts are real children is
        made.append(planner)
    return made


class Child:
    """The tick's child, scripted: who was in it, and what the ledger held when it started."""

    def __init__(self, tmp_path, outcomes):
        self.tmp_path, self.outcomes, self.calls, self.open_at_start = tmp_path, outcomes, [], []
        self.lock = threading.Lock()

    def __call__(self, period, accounts, settings, slots):
        with self.lock:
            self.calls.append((period, sorted(accounts), slots))
            self.open_at_start.append(sorted(a.account for a in L.Ledger(self.tmp_path).open_attempts()))
        return {a: self.outcomes[a] for a in accounts if a in self.outcomes}


def test_two_accounts_due_in_one_tick_share_one_child_each_settling_its_own_row(tmp_path):
    alone: list = []
    child = Child(tmp_path, {"un": FILED, "deux": SEEN})
    fleet = FleetPlanner(planners(tmp_path, ["un", "deux"], alone), 4, now=NOW, batch_child=child)
    assert sorted(fleet.tick()) == ["deux/2026-10", "un/2026-10"]
    assert child.calls == [("2026-10", ["deux", "un"], 2)] and alone == []  # one child, two slots
    assert child.open_at_start == [["deux", "un"]]  # both attempts written before the child started
    ledger = L.Ledger(tmp_path)
    assert ledger.period("un", "2026-10").state == L.DONE
    deux = ledger.period("deux", "2026-10")
    assert deux.state == L.PENDING and deux.next_attempt is not None  # its own next try
    (attempt,) = ledger.attempts("deux", "2026-10")
    assert attempt.exit_code == 0 and attempt.audit_folder == "/r/deux"
    assert ledger.open_attempts() == []


def test_an_account_the_child_said_nothing_of_is_a_failure_of_its_own_the_other_settled(tmp_path):
    child = Child(tmp_path, {"un": FILED})  # « deux » missing from the result file
    fleet = FleetPlanner(planners(tmp_path, ["un", "deux"], []), 4, now=NOW, batch_child=child)
    fleet.tick()
    ledger = L.Ledger(tmp_path)
    (attempt,) = ledger.attempts("deux", "2026-10")
    assert attempt.exit_code == 1 and "n'a rien dit de ce compte" in attempt.message
    assert ledger.period("deux", "2026-10").state == L.NEEDS_ATTENTION  # a bug: the person is told, as for a group
    assert ledger.period("un", "2026-10").state == L.DONE


def test_a_single_due_account_keeps_a_child_of_its_own(tmp_path):
    alone: list = []
    child = Child(tmp_path, {})
    every = planners(tmp_path, ["un", "deux"], alone)
    ledger = L.Ledger(tmp_path)
    ledger.ensure("deux", "2026-10", at(10, 23, 59), at(1, 21, 30), at(1, 9))
    ledger.plan("deux", "2026-10", L.DONE, None, "filed", at(1, 9))  # nothing left for « deux »
    fleet = FleetPlanner(every, 4, now=NOW, batch_child=child)
    assert fleet.tick() == ["un/2026-10"]
    assert child.calls == [] and alone == ["un"]


def test_the_batch_waits_for_a_phone_in_use_and_takes_no_more_slots_than_allowed(tmp_path):
    alone: list = []
    child = Child(tmp_path, {"un": FILED, "deux": SEEN, "trois": SEEN})
    every = planners(tmp_path, ["un", "deux", "trois"], alone, phones={"un": "0600000001", "trois": "0600000001"})
    fleet = FleetPlanner(every, 2, now=NOW, batch_child=child)
    phone = fleet._phone(every[0].settings)
    phone.acquire()  # another attempt on the same phone is under way
    ticking = threading.Thread(target=fleet.tick, daemon=True)
    ticking.start()
    ticking.join(timeout=1.0)
    assert ticking.is_alive() and child.calls == []  # its turn has not come
    phone.release()
    ticking.join(timeout=30)
    assert child.calls == [("2026-10", ["deux", "trois", "un"], 2)]  # DAMANCOM_PARALLEL = 2
    assert fleet.slots.acquire(blocking=False) and fleet.slots.acquire(blocking=False)  # every slot given back


@pytest.mark.browser
def test_a_batch_out_of_time_is_killed_and_every_account_told(tmp_path, cli_env):
    from bot.schedule.batch import run_batch_attempt

    outcomes = run_batch_attempt("2026-10", ["un", "deux"], filing=False, timeout=0.2, environ=cli_env)
    assert set(outcomes) == {"un", "deux"}
    for outcome in outcomes.values():
        assert outcome.exit_code == 4 and "dépassé sa durée maximale" in outcome.message
