"""The dashboard lists periods in `status`'s order (`bot/ledger/urgency.py`): a failure that stops
before a far deadline, filed periods last. Real SQLite ledger, no browser."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app.overview import periods
from bot.ledger.ledger import PENDING, Ledger
from bot.system.clock import TZ

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=TZ)


def test_dashboard_periods_most_urgent_first(tmp_path):
    ledger = Ledger(tmp_path)
    deadline = datetime(2026, 11, 10, 23, 59, tzinfo=TZ)
    for name in ("a-deposee", "b-attente", "c-refusee"):
        ledger.ensure(name, "2026-10", deadline, NOW, NOW)
    ledger.filed("a-deposee", "2026-10", deadline, "R-1", NOW)
    ledger.plan("b-attente", "2026-10", PENDING, NOW + timedelta(hours=9), "portal_down", NOW)
    ledger.plan("c-refusee", "2026-10", PENDING, None, "rejected", NOW)
    shown = periods(tmp_path, {}, scheduler_running=True, now=NOW)
    assert [p.account for p in shown] == ["c-refusee", "b-attente", "a-deposee"]
