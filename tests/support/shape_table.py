"""The seeded shapes test's closing table (tests/flows/test_shapes.py): shapes drawn, logins,
honest outcomes and misdiagnoses, from the reports' `shape_outcome` properties (xdist carries
them from the workers)."""

from __future__ import annotations

import json


def pytest_terminal_summary(terminalreporter) -> None:
    rows = []
    for kind in ("passed", "failed"):
        for report in terminalreporter.stats.get(kind, []):
            for key, value in getattr(report, "user_properties", []):
                if key == "shape_outcome":
                    rows.append(json.loads(value))
    if not rows:
        return
    logins = sum(1 for r in rows if r["honest"] and r["ending"] == "login")
    refusals = sum(1 for r in rows if r["honest"] and r["ending"] != "login")
    wrong = [r for r in rows if not r["honest"]]
    write = terminalreporter.write_line
    terminalreporter.section("portal shapes")
    write(
        f"seed {rows[0]['seed']} | shapes drawn {len(rows)} | logins {logins} | honest refusals {refusals} "
        f"| misdiagnoses {len(wrong)}"
    )
    for row in wrong:
        write(f"  MISDIAGNOSIS {row['shape']} ({row['ending']}): {row['outcome']}")
