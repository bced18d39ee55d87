"""Where the test suite's CPU goes: per test and per kind of process (Chromium's browser, renderer
and GPU processes, Playwright's Node.js driver, bot processes, the test process itself).

    uv run python bench/suite_cpu.py [pytest arguments]     # e.g. tests/bot/commands

Runs `uv run pytest` with this file loaded as a plugin in every xdist worker; each worker samples
its own process tree every 0.2 s (psutil) and gives each CPU second to the test running then.
Processes shorter than a sample are partly missed, and the sampling itself costs a little: the
figures are a map, not a stopwatch. Linux and Windows alike (psutil).
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

OUT = "SUITE_CPU_OUT"
INTERVAL = 0.2
SHELLS = {"sh", "dash", "bash"}


def _kind(process) -> str | None:
    import psutil

    try:
        argv = process.cmdline()
    except psutil.Error:
        return None
    if not argv:
        return "?"
    if any("chrom" in part or "msedge" in part for part in argv[:1]):
        kind = next((part[len("--type=") :] for part in argv if part.startswith("--type=")), "browser")
        return f"chromium-{kind}"
    name = Path(argv[0]).name.lower()
    if name.startswith("node"):
        return "playwright-driver"
    if any("damancom-bot" in part for part in argv[:3]):
        return "bot-process"
    return "python" if name.startswith("python") else name


class Sampler:
    """Gives each CPU second of this process tree to the test running when it was spent."""

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.test: str | None = None
        self.cpu: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.started: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.wall: dict[str, float] = {}
        self._last: dict[tuple, float] = {}
        self._kinds: dict[tuple, str] = {}
        self._starter: dict[tuple, str] = {}  # the test running when a process was first seen
        threading.Thread(target=self._loop, daemon=True, name="suite-cpu").start()

    def _loop(self) -> None:
        import psutil

        while True:
            test = self.test
            try:
                tree = [self.me, *self.me.children(recursive=True)]
            except psutil.Error:
                tree = [self.me]
            for process in tree:
                try:
                    key = (process.pid, process.create_time())
                    times = process.cpu_times()
                except psutil.Error:
                    continue
                used = times.user + times.system
                if key not in self._kinds:
                    kind = "test-process" if process.pid == self.me.pid else _kind(process)
                    if kind is None:
                        continue
                    self._kinds[key] = kind
                    self._last[key] = used if process.pid == self.me.pid else 0.0
                    if test:
                        self.started[test][kind] += 1
                        self._starter[key] = test
                elif self._kinds[key] in SHELLS:  # a wrapper script (Debian's chromium) execs what it runs
                    self._rekind(key, process)
                if test and used > self._last[key]:
                    self.cpu[test][self._kinds[key]] += used - self._last[key]
                self._last[key] = used
            time.sleep(INTERVAL)

    def _rekind(self, key: tuple, process) -> None:
        kind = _kind(process)
        if kind is None or kind == self._kinds[key]:
            return
        if key in self._starter:
            started = self.started[self._starter[key]]
            started[self._kinds[key]] -= 1
            started[kind] += 1
        self._kinds[key] = kind


_sampler: Sampler | None = None


def pytest_configure(config) -> None:
    global _sampler
    controller = getattr(config.option, "numprocesses", None) and "PYTEST_XDIST_WORKER" not in os.environ
    if os.environ.get(OUT) and not controller:  # xdist's controller would count its workers twice
        _sampler = Sampler()


def pytest_runtest_logstart(nodeid, location) -> None:
    if _sampler:
        _sampler.test, _sampler.wall[nodeid] = nodeid, time.monotonic()


def pytest_runtest_logfinish(nodeid, location) -> None:
    if _sampler:
        time.sleep(INTERVAL)  # one more sample for what the test's processes spent last
        _sampler.wall[nodeid] = time.monotonic() - _sampler.wall[nodeid]
        _sampler.test = None


def pytest_unconfigure(config) -> None:
    if not _sampler:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    rows = [
        {"test": test, "wall": _sampler.wall.get(test, 0.0), "cpu": dict(cpu), "started": dict(_sampler.started[test])}
        for test, cpu in _sampler.cpu.items()
    ]
    Path(os.environ[OUT], f"{worker}.json").write_text(json.dumps(rows), encoding="utf-8")


def summary(folder: Path, top: int = 15) -> str:
    rows = [row for path in sorted(folder.glob("*.json")) for row in json.loads(path.read_text(encoding="utf-8"))]
    kinds, started, files = collections.Counter(), collections.Counter(), collections.Counter()
    for row in rows:
        kinds.update(row["cpu"])
        started.update(row["started"])
        files[row["test"].split("::")[0]] += sum(row["cpu"].values())
    total = sum(kinds.values())
    lines = [
        f"{len(rows)} tests, {total:.0f} s of CPU attributed",
        "",
        "| kind | CPU s | share | started |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {kind} | {cpu:.0f} | {cpu / total:.0%} | {started[kind]} |" for kind, cpu in kinds.most_common()]
    lines += ["", f"| file (top {top}) | CPU s |", "|---|---:|"]
    lines += [f"| {name} | {cpu:.0f} |" for name, cpu in files.most_common(top)]
    heaviest = sorted(rows, key=lambda row: -sum(row["cpu"].values()))[:top]
    lines += ["", f"| test (top {top}) | CPU s | wall s |", "|---|---:|---:|"]
    lines += [f"| {row['test']} | {sum(row['cpu'].values()):.1f} | {row['wall']:.1f} |" for row in heaviest]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    folder = Path(tempfile.mkdtemp(prefix="suite-cpu-"))
    here = str(Path(__file__).resolve().parent)
    env = {
        **os.environ,
        OUT: str(folder),
        "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])),
    }
    started = time.monotonic()
    code = subprocess.call(["uv", "run", "pytest", "-p", "suite_cpu", *argv], env=env)
    print(f"\npytest: exit {code}, {time.monotonic() - started:.0f} s wall; figures in {folder}\n")
    print(summary(folder))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
