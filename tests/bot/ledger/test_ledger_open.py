"""Opening a new ledger from several runs at the same moment (`declare --all`): every run gets it."""

from __future__ import annotations

import threading

from bot.ledger.ledger import Ledger


def test_runs_opening_a_new_ledger_together_all_get_it(tmp_path):
    failures = []

    def open_ledger(folder):
        try:
            Ledger(folder)
        except Exception as exc:  # noqa: BLE001 - what the run would have shown the person
            failures.append(exc)

    for trial in range(20):  # before the fix: « duplicate column name » or « database is locked » in ~1 in 3
        folder = tmp_path / str(trial)
        threads = [threading.Thread(target=open_ledger, args=(folder,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
