"""An accountant's portfolio at a glance: `damancom-bot status` (in this process, its output thrown
away) and the dashboard's page (over HTTP on 127.0.0.1, the ledger read again each time) for 1, 10
and 50 employers, each with a year behind it (12 periods, 2 attempts each, a run folder per month),
one employer in five configured but never planned (its latest run read from the recordings folder).
Wall time, median of 5; SQLite connections and manifests read by one `status`.

Usage: uv run python bench/status.py [--sizes 1,10,50] [--runs 5]
Never run as tests: machines here are noisy.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loguru import logger  # noqa: E402

from bot.audit import manifest, retention  # noqa: E402
from bot.audit.recorder import Recorder  # noqa: E402
from bot.ledger import ledger as L  # noqa: E402
from bot.system import clock  # noqa: E402

MONTHS = 12


def portfolio(root: Path, employers: int) -> dict[str, str]:
    """`employers` planned accounts with a year each, and one in five more never planned."""
    now = clock.now()
    state, recordings = root / "state", root / "recordings"
    ledger = L.Ledger(state)
    unplanned = max(1, employers // 5)
    names = [f"employeur-{i:02d}" for i in range(employers + unplanned)]
    accounts = []
    for index, name in enumerate(names):
        accounts += [f"[accounts.{name}]", f'identifier = "ID-{index}"', 'url = "http://127.0.0.1:9/fr/"', ""]
        for month in range(MONTHS):
            moment = now - timedelta(days=30 * (MONTHS - month))
            period = clock.previous_period(moment)
            recorder = Recorder(recordings, name, period, now=lambda m=moment: m, state_dir=state)
            recorder.finish(0, "")
            if index >= employers:
                continue
            deadline = moment + timedelta(days=10)
            ledger.ensure(name, period, deadline, moment, moment)
            for attempt in range(2):
                tried = moment + timedelta(hours=attempt)
                number = ledger.begin(name, period, tried)
                ledger.end(number, tried + timedelta(minutes=5), 4, "portal_down", "", str(recorder.folder))
                ledger.plan(name, period, L.PENDING, tried + timedelta(hours=1), "portal_down", tried)
            if month < MONTHS - 1:
                ledger.filed(name, period, deadline, f"ACC-{name}-{month}", moment)
    (root / "comptes.toml").write_text("\n".join(accounts), encoding="utf-8")
    (root / "comptes.toml").chmod(0o600)
    return {
        "DAMANCOM_STATE_DIR": str(state),
        "DAMANCOM_RECORDINGS": str(recordings),
        "DAMANCOM_CONFIG_DIR": str(root / "config"),
        "DAMANCOM_ACCOUNTS": str(root / "comptes.toml"),
    }


def status_once(environ: dict[str, str], root: Path) -> float:
    from bot.cli import main
    from bot.env import Env

    out = io.StringIO()
    started = time.perf_counter()
    code = main(["status"], Env(environ=environ, stdout=out, stderr=io.StringIO(), cwd=root))
    elapsed = time.perf_counter() - started
    assert code == 0 and "employeur" in out.getvalue(), out.getvalue()[-500:]
    return elapsed


def counted(environ: dict[str, str], root: Path) -> tuple[int, int]:
    """SQLite connections opened and manifests read by one `status`."""
    connections, manifests = [0], [0]
    real_connect, real_read = sqlite3.connect, manifest.read_records

    def connect(*args, **kwargs):
        connections[0] += 1
        return real_connect(*args, **kwargs)

    def read(*args, **kwargs):
        manifests[0] += 1
        return real_read(*args, **kwargs)

    sqlite3.connect, manifest.read_records, retention.read_records = connect, read, read
    try:
        status_once(environ, root)
    finally:
        sqlite3.connect, manifest.read_records, retention.read_records = real_connect, real_read, real_read
    return connections[0], manifests[0]


def page_once(server, dashboard) -> float:
    dashboard._periods = None  # the page's own cache (a few seconds) left out: the ledger is read each time
    started = time.perf_counter()
    with urllib.request.urlopen(server.url, timeout=60) as reply:
        body = reply.read().decode()
    elapsed = time.perf_counter() - started
    assert reply.status == 200 and "employeur" in body
    return elapsed


def measure(employers: int, runs: int) -> dict:
    from bot.app.dashboard import Dashboard
    from bot.app.server import DashboardServer

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        environ = portfolio(root, employers)
        status_once(environ, root)  # imports and first reads out of the count
        status = statistics.median(status_once(environ, root) for _ in range(runs))
        connections, manifests = counted(environ, root)
        dashboard = Dashboard(environ, root)
        with DashboardServer(dashboard) as server:
            page_once(server, dashboard)
            page = statistics.median(page_once(server, dashboard) for _ in range(runs))
        dashboard.jobs.stop_all()
    return {"employers": employers, "status": status, "page": page, "sqlite": connections, "manifests": manifests}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,10,50")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    logger.remove()
    print(f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{MONTHS} periods and run folders per employer; medians of {options.runs}")
    print("employers  status (s)  dashboard page (s)  SQLite connections  manifests read")
    for size in (int(s) for s in options.sizes.split(",")):
        r = measure(size, options.runs)
        print(f"{r['employers']:>9}  {r['status']:>10.3f}  {r['page']:>18.3f}  {r['sqlite']:>18}  {r['manifests']:>14}")
    print(f"measured {datetime.now().isoformat(timespec='minutes')}")


if __name__ == "__main__":
    main()
