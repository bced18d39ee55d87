"""damancom-bot benchmarks, run by hand: `uv run python bench/run.py [--runs 3] [--shapes field,spa]`.

Per portal shape (the sandbox's named shapes and the tests' foreign portals, `SHAPES`):
1. Overhead: `damancom-bot login` as a whole process vs bench/bare_login.py (the same steps and
   screenshots, with that shape's own selectors), alternated against one portal, the code handed
   over the moment the portal "sends" it. Medians, min, max, ratio (median of the pairs' ratios).
2. Time from the code being handed over to the affiliate area on screen, bot vs bare.
3. Peak resident memory of the whole process tree (Python + browser), bot vs bare.
4. With --startup: `--help`, `otp 123456` (nothing waiting), `status`.
Never run as tests: machines here are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' foreign portals

from bot.sandbox import Portal, Sandbox  # noqa: E402
from bot.sandbox.shapes import named  # noqa: E402
from tests import foreign_hurdles, foreign_portal, foreign_spa  # noqa: E402

BIN = Path(sys.executable).parent
TARGET = 1.15  # bot / bare, per shape (issue 22, point 8)


class TreeMemory(threading.Thread):
    """Samples the summed RSS of a process and all its descendants; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            except psutil.Error:
                pass


def timed(command: list[str], env: dict, codes) -> tuple[float, int, float, str]:
    """Runs `command`, types each new SMS code into it the moment the portal sends it (`codes()`:
    every code sent so far); returns (seconds, peak RSS, when the code was handed, stdout)."""
    handed, done = {}, threading.Event()
    out_file, err_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")  # stdin stays open
    already = len(codes())
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=out_file, stderr=err_file, text=True, env=env, cwd=env["BENCH_CWD"]
    )

    def hand_over() -> None:
        seen = already
        while not done.wait(0.005):
            sent = codes()
            if len(sent) > seen:
                handed.setdefault("at", time.time())
                seen = len(sent)
                process.stdin.write(sent[-1] + "\n")
                process.stdin.flush()

    feeder = threading.Thread(target=hand_over, daemon=True)
    feeder.start()
    memory = TreeMemory(process.pid)
    memory.start()
    process.wait(timeout=300)
    seconds = time.perf_counter() - start
    memory.done.set()
    done.set()
    feeder.join()
    process.stdin.close()
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    if process.returncode != 0:
        raise SystemExit(f"échec ({process.returncode}) : {' '.join(command)}\n{err}\n{out[-2000:]}")
    return seconds, memory.peak, handed["at"], out


def bot_interface_at(recordings: Path) -> float:
    manifest = max(recordings.rglob("manifest.jsonl"), key=lambda p: p.stat().st_mtime)
    for line in manifest.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["step"] == "espace-affilie":
            return datetime.fromisoformat(record["time"]).timestamp()
    raise SystemExit("pas d'étape espace-affilie dans le manifeste")


def startup(env: dict, runs: int) -> dict[str, float]:
    results = {}
    for label, args in (("--help", ["--help"]), ("otp 123456", ["otp", "123456"]), ("status", ["status"])):
        times = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            subprocess.run([str(BIN / "damancom-bot"), *args], env=env, capture_output=True, cwd=env["BENCH_CWD"])
            times.append(time.perf_counter() - start)
        results[label] = statistics.median(times[1:])
    return results


@dataclass
class Target:
    url: str
    identifier: str
    password: str
    codes: Callable[[], list[str]]  # every code the portal sent so far


@contextmanager
def sandbox(name: str):
    portal = Portal()
    account = portal.accounts["PHARMA-DEMO"]
    with Sandbox(portal, shape=named(name)) as server:
        yield Target(server.url, account.identifier, account.password, lambda: [s.code for s in portal.outbox.all()])


@contextmanager
def foreign(make, password: str):
    with make() as portal:
        yield Target(portal.url, "FOREIGN-1", password, lambda: list(portal.codes))


# Every shape measured: the sandbox's named shapes (bot/sandbox/shapes.py) and the tests' foreign
# portals, each with its own bare script (bench/bare_login.py: SCRIPTS).
SHAPES: dict[str, Callable] = {
    "field": lambda: sandbox("field"),
    "classic": lambda: sandbox("classic"),
    "spa": lambda: sandbox("spa"),
    "foreign": lambda: foreign(foreign_portal.ForeignPortal, foreign_portal.PASSWORD),
    "foreign-spa": lambda: foreign(foreign_spa.ForeignSpaPortal, foreign_spa.PASSWORD),
    "foreign-hurdles": lambda: foreign(
        lambda: foreign_hurdles.ForeignHurdlesPortal(modal=True, split_code=True), foreign_hurdles.PASSWORD
    ),
}


@dataclass
class Pair:
    bot: float
    bare: float
    bot_memory: int
    bare_memory: int
    bot_to_interface: float
    bare_to_interface: float

    @property
    def ratio(self) -> float:
        return self.bot / self.bare


def measure(shape: str, runs: int, work: Path) -> list[Pair]:
    """Alternates bot and bare script on one portal of `shape`; the first pair warms caches up."""
    pairs = []
    with SHAPES[shape]() as target:
        env = {
            **os.environ,
            "DAMANCOM_URL": target.url,
            "DAMANCOM_IDENTIFIER": target.identifier,
            "DAMANCOM_PASSWORD": target.password,
            "BARE_PASSWORD": target.password,
            "DAMANCOM_STATE_DIR": str(work / shape / "state"),
            "DAMANCOM_RECORDINGS": str(work / shape / "recordings"),
            "DAMANCOM_LOCAL_PAGE": "0",
            "BENCH_CWD": str(work),
            "PYTHONPATH": str(ROOT),
        }
        # Bytecode written as on a person's computer (the warm-up pair writes it): where this is set,
        # every process would compile its imports from source, the bot's many more than the script's.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        bot = [str(BIN / "damancom-bot"), "login"]
        bare = [sys.executable, str(ROOT / "bench" / "bare_login.py"), target.url, target.identifier]
        bare += [str(work / shape / "bare"), shape]
        for i in range(runs + 1):
            a_s, a_mem, a_code, _ = timed(bot, env, target.codes)
            a_ui = bot_interface_at(work / shape / "recordings") - a_code
            b_s, b_mem, b_code, out = timed(bare, env, target.codes)
            b_ui = json.loads(out.strip().splitlines()[-1])["interface_at"] - b_code
            if i:
                pairs.append(Pair(a_s, b_s, a_mem, b_mem, a_ui, b_ui))
                print(f"   {shape} paire {i} : bot {a_s:.2f}  nu {b_s:.2f}  rapport {a_s / b_s:.2f}", flush=True)
    return pairs


def machine() -> str:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"charge moyenne (1/5/15 min) {load}"
    )


def row(shape: str, pairs: list[Pair]) -> str:
    def spread(values) -> str:
        return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"

    ratio = statistics.median(p.ratio for p in pairs)
    target = "✓" if ratio <= TARGET else "✗"
    ui = f"{statistics.median(p.bot_to_interface for p in pairs):.2f} / "
    ui += f"{statistics.median(p.bare_to_interface for p in pairs):.2f}"
    memory = f"{statistics.median(p.bot_memory for p in pairs) / 2**20:.0f} / "
    memory += f"{statistics.median(p.bare_memory for p in pairs) / 2**20:.0f}"
    return (
        f"| {shape} | {spread([p.bot for p in pairs])} | {spread([p.bare for p in pairs])} "
        f"| **{ratio:.2f}** {target} | {ui} | {memory} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks de damancom-bot, forme par forme")
    parser.add_argument("--runs", type=int, default=3, help="paires comptées par forme (une de plus pour chauffer)")
    parser.add_argument(
        "--shapes", default=",".join(SHAPES), help=f"formes mesurées, séparées par des virgules : {', '.join(SHAPES)}"
    )
    parser.add_argument("--startup", action="store_true", help="mesure aussi le démarrage (--help, otp, status)")
    args = parser.parse_args()
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        raise SystemExit(f"forme inconnue : {', '.join(unknown)} ; formes : {', '.join(SHAPES)}")
    work = Path(tempfile.mkdtemp(prefix="damancom-bench-"))
    print(f"Machine au départ : {machine()}", flush=True)
    results = {shape: measure(shape, args.runs, work) for shape in shapes}
    print(f"\nMachine à la fin : {machine()}")
    print(f"Connexion complète (`damancom-bot login` / script nu), médiane de {args.runs} paires par forme :\n")
    print(
        "| forme | bot (médiane s ; min–max) | nu (médiane s ; min–max) | rapport (médiane des paires) "
        "| code → espace, bot / nu (s) | mémoire max, bot / nu (Mo) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for shape, pairs in results.items():
        print(row(shape, pairs))
    if args.startup:
        env = {**os.environ, "DAMANCOM_STATE_DIR": str(work / "state"), "BENCH_CWD": str(work)}
        boot = startup(env, args.runs)
        print("\nDémarrage (médiane, s ; cible ≤ 0,30) : " + ", ".join(f"{k} {v:.3f}" for k, v in boot.items()))


if __name__ == "__main__":
    main()
