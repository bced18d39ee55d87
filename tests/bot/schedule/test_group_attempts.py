"""The scheduler and a « compte groupe »: its employers due together are tried in one login (one
child for the group), each settling its own ledger row from that child's outcome for it."""

from __future__ import annotations

import threading

from bot.ledger import ledger as L
from bot.output.notify import Notifier
from bot.schedule import group
from bot.schedule.attempt import Outcome
from bot.schedule.fleet import FleetPlanner
from bot.schedule.plan import Plan
from bot.schedule.service import Planner
from bot.settings.config import Settings
from tests.bot.schedule.month_sim import at

GROUPS = {"un": "cabinet", "deux": "cabinet", "seul": ""}


def planners(tmp_path, now, alone_runs):
    ledger = L.Ledger(tmp_path)
    made = []
    for name in GROUPS:
        settings = Settings(account=name, state_dir=tmp_path, identifier="CABINET" if GROUPS[name] else "SEUL")

        def run(period, name=name):
            alone_runs.append(name)
            return Outcome(0, "declared", "/r", "ok", periods=[("10/2026", "Déclarée")])

        made.append(Planner(settings, Plan(), ledger, Notifier([]), run=run, now=now))
    return made


def test_employers_of_a_group_due_together_cost_one_login(tmp_path):
    now = lambda: at(1, 21, 30)  # noqa: E731 - inside the evening window
    children, alone = [], []
    lock = threading.Lock()

    def child(period):
        with lock:
            children.append(period)
        filed = Outcome(0, "declared", "/r/g", "Déclaration déposée.", periods=[("10/2026", "Déclarée")])
        seen = Outcome(0, "to_declare", "/r/g", "Espace affilié atteint.", periods=[("10/2026", "À déclarer")])
        return {"un": filed, "deux": seen}

    every = planners(tmp_path, now, alone)
    group.share(every, GROUPS, child=child)
    fleet = FleetPlanner(every, 3, now=now)
    assert sorted(fleet.tick()) == ["deux/2026-10", "seul/2026-10", "un/2026-10"]
    assert children == ["2026-10"]  # one child, one login, for both employers of the group
    assert alone == ["seul"]  # an account alone keeps its own attempt
    ledger = L.Ledger(tmp_path)
    assert ledger.period("un", "2026-10").state == L.DONE
    deux = ledger.period("deux", "2026-10")
    assert deux.state == L.PENDING and deux.next_attempt is not None  # its own row, its own next try
    (attempt,) = ledger.attempts("deux", "2026-10")  # one attempt of its own, settled from the group's run
    assert attempt.exit_code == 0 and attempt.audit_folder == "/r/g"


def test_an_outcome_kept_too_long_is_not_reused(tmp_path):
    moments = [0.0]
    calls = []

    def child(period):
        calls.append(period)
        return {name: Outcome(4, None, None, "Portail indisponible.") for name in ("un", "deux")}

    attempts = group.GroupAttempts("cabinet", Settings(), child, clock=lambda: moments[0])
    attempts.members += ["un", "deux"]
    assert attempts.run("un", "2026-10").exit_code == 4 and calls == ["2026-10"]
    moments[0] = group.FRESH + 1  # « deux » tries much later: a new login, not the old answer
    assert attempts.run("deux", "2026-10").exit_code == 4 and calls == ["2026-10", "2026-10"]
    assert attempts.run("un", "2026-10").exit_code == 4 and len(calls) == 2  # within the window: reused
