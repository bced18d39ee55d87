"""What one login costs in CPU, per kind of process: `uv run python bench/login_cpu.py [--runs 3]
[--shapes classic,spa,field] [--protocol]`.

One Chromium is started once (headless, DevTools on a free port, as `tests/support/devtools.py`
does), and one sandbox per shape in this process (not counted: it stands for the portal). Each run
is one whole `damancom-bot login` process with DAMANCOM_BROWSER pointing at that Chromium, the code
typed into it the moment the sandbox « sends » it (as bench/run.py does). The CPU (user + system) of
the Chromium's process tree and of the bot's tree (Python, Playwright's driver) is sampled every
20 ms; each process's last sample counts (a renderer that exits with its context keeps what it
spent until then). A first run per shape warms caches up and is not counted; medians per kind.
`--protocol`: one more run per shape with DEBUG=pw:protocol, counting the DevTools messages
(sent, received) and the methods most used.
Never run as tests: machines here are noisy.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' shared Chromium
from suite_cpu import _kind  # noqa: E402

from bot.run import browser as browsers  # noqa: E402
from bot.sandbox import Portal, Sandbox  # noqa: E402
from bot.sandbox.shapes import named  # noqa: E402

BIN = Path(sys.executable).parent
SHAPES = ("classic", "spa", "field")
INTERVAL = 0.02
# What a kind of process is called in the table.
KINDS = {
    "chromium-renderer": "renderer",
    "chromium-browser": "browser",
    "chromium-gpu-process": "GPU",
    "chromium-utility": "utility",
    "chromium-zygote": "zygote",
    "playwright-driver": "driver",
    "bot-process": "Python",
}


class TreeCpu(threading.Thread):
    """Samples the CPU of process trees; each process's last user + system seconds, by kind."""

    def __init__(self, roots: list[int]):
        super().__init__(daemon=True)
        self.roots, self.done = roots, threading.Event()
        self.last: dict[tuple, float] = {}
        self.kinds: dict[tuple, str] = {}
        self.sample()

    def run(self) -> None:
        while not self.done.wait(INTERVAL):
            self.sample()

    def sample(self) -> None:
        for root in self.roots:
            try:
                top = psutil.Process(root)
                tree = [top, *top.children(recursive=True)]
            except psutil.Error:
                continue
            for process in tree:
                try:
                    key = (process.pid, process.create_time())
                    times = process.cpu_times()
                    kind = self.kinds.get(key) or _kind(process)
                except psutil.Error:
                    continue
                if kind is None:
                    continue
                self.kinds[key] = kind
                self.last[key] = times.user + times.system

    def by_kind(self) -> collections.Counter:
        out = collections.Counter()
        for key, used in self.last.items():
            out[KINDS.get(self.kinds[key], self.kinds[key])] += used
        return out

    def started(self, before: "TreeCpu") -> collections.Counter:
        """Processes of each kind that were not there at `before`."""
        return collections.Counter(KINDS.get(kind, kind) for key, kind in self.kinds.items() if key not in before.kinds)


def start_chromium(profile: Path) -> tuple[str, subprocess.Popen]:
    from tests.support.devtools import chromium_over_devtools

    choice = browsers.choose(None, managed_path=None)
    executable = choice.value if choice.how == "executable" else shutil.which("chromium")
    try:
        return chromium_over_devtools(executable, profile)
    except RuntimeError as exc:
        raise SystemExit(f"Chromium : {exc}") from None


@dataclass
class Run:
    cpu: collections.Counter  # seconds by kind of process
    wall: float
    started: collections.Counter  # processes started during the login, by kind


def login(env: dict, codes, chromium: int, stderr_path: Path | None = None) -> Run:
    """One whole `damancom-bot login`, the code typed in when the portal sends it."""
    already = len(codes())
    err = open(stderr_path, "w") if stderr_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    before = TreeCpu([chromium])
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "damancom-bot"), "login"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=err,
        text=True,
        env=env,
        cwd=env["BENCH_CWD"],
    )
    sampler = TreeCpu([chromium, process.pid])
    sampler.start()
    seen = already
    while process.poll() is None:
        sent = codes()
        if len(sent) > seen:
            seen = len(sent)
            process.stdin.write(sent[-1] + "\n")
            process.stdin.flush()
        time.sleep(0.005)
    wall = time.perf_counter() - start
    time.sleep(0.3)  # what Chromium does once the context is closed belongs to this login too
    sampler.done.set()
    sampler.join()
    sampler.sample()
    if stderr_path:
        err.close()
    if process.returncode != 0:
        raise SystemExit(f"échec de la connexion (code {process.returncode})")
    spent = sampler.by_kind()
    for key, used in before.last.items():  # Chromium's processes that were there before: only the difference
        if key in sampler.last:
            spent[KINDS.get(before.kinds[key], before.kinds[key])] -= used
    return Run(spent, wall, sampler.started(before))


MESSAGE = re.compile(r"pw:protocol (SEND ►|◀ RECV) (\{.*)")


def protocol_counts(path: Path) -> tuple[int, int, collections.Counter]:
    sent = received = 0
    methods: collections.Counter = collections.Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        found = MESSAGE.search(line)
        if not found:
            continue
        if found.group(1).startswith("SEND"):
            sent += 1
        else:
            received += 1
        try:
            method = json.loads(found.group(2)).get("method")
        except ValueError:
            method = None
        if method:
            methods[method] += 1
    return sent, received, methods


def measure(shape: str, runs: int, work: Path, chromium_url: str, chromium_pid: int, protocol: bool) -> dict:
    portal = Portal()
    account = portal.accounts["PHARMA-DEMO"]
    with Sandbox(portal, shape=named(shape)) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAMANCOM_")}
        env.update(
            DAMANCOM_URL=server.url,
            DAMANCOM_IDENTIFIER=account.identifier,
            DAMANCOM_PASSWORD=account.password,
            DAMANCOM_STATE_DIR=str(work / shape / "state"),
            DAMANCOM_RECORDINGS=str(work / shape / "recordings"),
            DAMANCOM_LOCAL_PAGE="0",
            DAMANCOM_BROWSER=chromium_url,
            BENCH_CWD=str(work),
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode written once, as on a person's computer

        def codes() -> list[str]:
            return [s.code for s in portal.outbox.all()]

        results = []
        for i in range(runs + 1):
            run = login(env, codes, chromium_pid)
            if i:
                results.append(run)
                started = ", ".join(f"{k} {n}" for k, n in run.started.most_common())
                print(
                    f"   {shape} {i} : {sum(run.cpu.values()):.2f} s de CPU, {run.wall:.1f} s ; lancés : {started}",
                    flush=True,
                )
        messages = None
        if protocol:
            log = work / f"{shape}-protocol.log"
            login({**env, "DEBUG": "pw:protocol"}, codes, chromium_pid, log)
            messages = protocol_counts(log)
    return {"runs": results, "messages": messages}


def table(results: dict[str, dict]) -> str:
    kinds = sorted(
        {k for r in results.values() for run in r["runs"] for k, v in run.cpu.items() if v >= 0.01}, key=_order
    )
    lines = [
        "| forme | " + " | ".join(kinds) + " | total CPU (s) | durée (s) |",
        "| --- |" + " ---: |" * (len(kinds) + 2),
    ]
    for shape, result in results.items():
        runs = result["runs"]
        cells = [f"{statistics.median(run.cpu[k] for run in runs):.2f}" for k in kinds]
        total = statistics.median(sum(run.cpu.values()) for run in runs)
        wall = statistics.median(run.wall for run in runs)
        lines.append(f"| {shape} | " + " | ".join(cells) + f" | **{total:.2f}** | {wall:.1f} |")
    return "\n".join(lines)


def _order(kind: str) -> int:
    names = list(KINDS.values())
    return names.index(kind) if kind in names else len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU d'une connexion, par sorte de processus")
    parser.add_argument("--runs", type=int, default=3, help="connexions comptées par forme (une de plus pour chauffer)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"formes, séparées par des virgules : {SHAPES}")
    parser.add_argument("--protocol", action="store_true", help="compte aussi les messages DevTools (une connexion)")
    args = parser.parse_args()
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="damancom-login-cpu-"))
    url, chromium = start_chromium(work / "profil")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Charge moyenne au départ : {load} ({os.cpu_count()} cœurs)", flush=True)
    try:
        results = {s: measure(s, args.runs, work, url, chromium.pid, args.protocol) for s in shapes}
    finally:
        chromium.terminate()
        chromium.wait(timeout=30)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nCharge moyenne à la fin : {load}. CPU par connexion (s), médiane de {args.runs} :\n")
    print(table(results))
    for shape, result in results.items():
        if result["messages"]:
            sent, received, methods = result["messages"]
            top = ", ".join(f"{m} {n}" for m, n in methods.most_common(12))
            print(f"\n{shape} : {sent} messages DevTools envoyés, {received} reçus ; les plus fréquents : {top}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
