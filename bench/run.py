"""damancom-bot benchmarks, run by hand: `uv run python bench/run.py [--runs 5]`.

1. Overhead: `damancom-bot login` as a whole process vs bench/bare_login.py, alternated against
   one sandbox, the code handed over the moment the sandbox "sends" it. Medians, min, max, ratio.
2. Start-up: `--help`, `otp 123456` (nothing waiting), `status`.
3. Peak resident memory of the whole process tree (Python + browser), bot vs bare.
4. Time from the code being handed over to the declaration interface on screen, bot vs bare.
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
from datetime import datetime
from pathlib import Path

import psutil

from bot.sandbox import Portal, Sandbox

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


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


def timed(command: list[str], env: dict, portal: Portal) -> tuple[float, int, float, str]:
    """Runs `command`, types each new SMS code into it; returns (seconds, peak RSS, code time, stdout)."""
    handed = {}
    out_file, err_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")  # stdin stays open
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=out_file, stderr=err_file, text=True, env=env, cwd=env["BENCH_CWD"]
    )

    def hand_over(sms) -> None:
        handed.setdefault("at", time.time())
        process.stdin.write(sms.code + "\n")
        process.stdin.flush()

    portal.outbox.listeners[:] = [hand_over]
    memory = TreeMemory(process.pid)
    memory.start()
    process.wait(timeout=300)
    seconds = time.perf_counter() - start
    memory.done.set()
    process.stdin.close()
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    if process.returncode != 0:
        raise SystemExit(f"échec ({process.returncode}) : {' '.join(command)}\n{err}")
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


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks de damancom-bot")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--style", choices=["classic", "spa"], default="classic", help="le style du bac à sable")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="damancom-bench-"))
    portal = Portal()
    account = portal.accounts["PHARMA-DEMO"]
    with Sandbox(portal, style=args.style) as sandbox:
        env = {
            **os.environ,
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": account.identifier,
            "DAMANCOM_PASSWORD": account.password,
            "BARE_PASSWORD": account.password,
            "DAMANCOM_STATE_DIR": str(work / "state"),
            "DAMANCOM_RECORDINGS": str(work / "recordings"),
            "DAMANCOM_LOCAL_PAGE": "0",
            "BENCH_CWD": str(work),
            "PYTHONPATH": str(ROOT),
        }
        bot = [str(BIN / "damancom-bot"), "login"]
        bare = [
            sys.executable,
            str(ROOT / "bench" / "bare_login.py"),
            sandbox.url,
            account.identifier,
            str(work / "bare"),
            args.style,
        ]
        rows = []
        for i in range(args.runs + 1):  # the first pair warms caches up and is not counted
            a_s, a_mem, a_code, _ = timed(bot, env, portal)
            a_ui = bot_interface_at(work / "recordings") - a_code
            b_s, b_mem, b_code, out = timed(bare, env, portal)
            b_ui = json.loads(out.strip().splitlines()[-1])["interface_at"] - b_code
            if i:
                rows.append((a_s, b_s, a_mem, b_mem, a_ui, b_ui))
        boot = startup(env, args.runs)

    def med(index):
        return statistics.median(r[index] for r in rows)

    ratios = [a / b for a, b, *_ in rows]
    print(
        f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    print(f"1. Connexion complète, style {args.style}, {len(rows)} paires (s) :")
    for n, (a, b, *_) in enumerate(rows, 1):
        print(f"   paire {n} : bot {a:.2f}  script nu {b:.2f}  rapport {a / b:.2f}")
    print(f"   bot : médiane {med(0):.2f} (min {min(r[0] for r in rows):.2f}, max {max(r[0] for r in rows):.2f})")
    print(f"   nu  : médiane {med(1):.2f} (min {min(r[1] for r in rows):.2f}, max {max(r[1] for r in rows):.2f})")
    print(f"   rapport médian {statistics.median(ratios):.2f} (cible ≤ 1,15)")
    print("2. Démarrage (médiane, s ; cible ≤ 0,30) : " + ", ".join(f"{k} {v:.3f}" for k, v in boot.items()))
    print(f"3. Mémoire max de l'arbre de processus (Mo) : bot {med(2) / 2**20:.0f}, nu {med(3) / 2**20:.0f}")
    print(f"4. Du code à l'interface (s, médiane) : bot {med(4):.2f}, nu {med(5):.2f}")


if __name__ == "__main__":
    main()
