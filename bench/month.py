"""Prints, per simulated month, the attempts, SMS and notifications (and how the month ends).

    uv run python bench/month.py

The planner and ledger are the real ones; the clock is injected and the attempt runner is a fake
portal (busy hours 08:00-20:00, a person who answers in the evening): see
tests/bot/schedule/month_sim.py, which the tests in test_month.py drive too."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loguru import logger  # noqa: E402

from tests.bot.schedule.month_sim import SCENARIOS, simulate, table  # noqa: E402


def main() -> None:
    logger.remove()
    results = []
    for make in SCENARIOS.values():
        with tempfile.TemporaryDirectory() as folder:
            results.append(simulate(make(), Path(folder)))
    print(table(results))
    for r in results:
        print(f"\n{r.name} : " + "; ".join(r.notifications))


if __name__ == "__main__":
    main()
