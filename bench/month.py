"""Prints, per simulated month, the attempts, SMS and notifications (and how the month ends).

    uv run python bench/month.py

The planner and ledger are the real ones; the clock is injected and the attempt runner is a fake
portal (busy hours 08:00-20:00, a person who answers in the evening): see
tests/bot/schedule/month_sim.py, which the tests in test_month.py and test_month_accounts.py drive
too. Some months put the real hand-over's ready gate, notifier and budget in the loop (the person
away, Telegram unreachable), the machine's clock off, or three accounts on one phone."""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loguru import logger  # noqa: E402

from tests.bot.schedule.month_sim import FLEET_SCENARIOS, SCENARIOS, simulate, simulate_accounts, table  # noqa: E402


def main() -> None:
    logger.remove()
    results = []
    for make in SCENARIOS.values():
        with tempfile.TemporaryDirectory() as folder:
            results.append(simulate(make(), Path(folder)))
    for make in FLEET_SCENARIOS.values():  # several accounts: one row each
        scenario, options = make()
        with tempfile.TemporaryDirectory() as folder:
            fleet = simulate_accounts(scenario, Path(folder), **options)
        results += list(fleet.results.values())
        print(f"{scenario.name} : au plus {fleet.most_on_one_phone} code(s) attendu(s) ensemble sur un téléphone")
    print(table(results))
    for r in results:
        counted = Counter(r.notifications)  # in order of first appearance
        print(f"\n{r.name} : " + "; ".join(t + (f" ×{n}" if n > 1 else "") for t, n in counted.items()))


if __name__ == "__main__":
    main()
