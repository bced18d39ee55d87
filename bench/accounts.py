"""Many accounts at once: `damancom-bot login --all` with 1, 3, 5, 10 or 30 accounts on one sandbox,
every code handed over the moment the sandbox « sends » it (dropped for its account, as
`otp CODE --account NAME` does). Wall time and peak memory of the bot's whole process tree
(Python, Playwright's drivers, the shared Chromium and its renderers); the sandbox runs in this
process and is not counted.

Usage: uv run python bench/accounts.py [--runs 2] [--sizes 1,3,5,10[,30]] [--parallel N]
30 accounts (an accountant's portfolio) is asked for explicitly: 30 logins at once on a 2-core
machine take minutes; `--parallel N` caps the logins under way (DAMANCOM_PARALLEL, default: all).
Memory: the sum of RSS over the tree overcounts pages Chromium's processes share; PSS (Linux)
splits shared pages between them and is the fairer total. Both are shown. CPU: the user + system
seconds of every process of the tree (each one's last sample): the work done, which a busy shared
machine does not change as much as it changes the wall time.
Never run as tests: machines here are noisy.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bot.handover import dropbox
from bot.handover.client import deliver
from bot.sandbox import Portal, Sandbox
from bot.sandbox.state import Account

BIN = Path(sys.executable).parent
BARE = Path(__file__).resolve().parent / "bare_accounts.py"


class TreeMemory(threading.Thread):
    """Samples a process and all its descendants; keeps the peaks of summed RSS and PSS."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.rss, self.pss, self.processes, self.done = pid, 0, 0, 0, threading.Event()
        self.parts: dict[str, int] = {}  # PSS by kind of process, at the peak
        self.cpu: dict[int, float] = {}  # pid -> user + system seconds, last seen

    def run(self) -> None:
        while not self.done.wait(0.1):
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            rss = pss = 0
            parts: dict[str, int] = {}
            for p in procs:
                try:
                    times = p.cpu_times()
                    self.cpu[p.pid] = times.user + times.system
                    rss += p.memory_info().rss
                    one = getattr(p.memory_full_info(), "pss", 0)
                    kind = _kind(p)
                except psutil.Error:
                    continue
                pss += one
                parts[kind] = parts.get(kind, 0) + one
            if pss > self.pss:
                self.parts = parts
            self.rss, self.pss, self.processes = max(self.rss, rss), max(self.pss, pss), max(self.processes, len(procs))


def _kind(process: psutil.Process) -> str:
    name = process.name().lower()
    if "node" in name:
        return "pilotes Playwright (node)"
    if "chrom" in name or "chrome" in name:
        return "Chromium"
    return "Python" if "python" in name or "damancom" in name else name


def accounts(n: int) -> list[Account]:
    return [
        Account(
            identifier=f"BENCH-{i:02d}",
            password=f"Banc-Essai-{i:02d}!",
            phone=f"06000000{i:02d}",
            employer=f"Officine {i}",
            affiliation=f"{2000000 + i}",
        )
        for i in range(1, n + 1)
    ]


SIZES = (1, 3, 5, 10, 30)


def once(n: int, workdir: Path, parallel: int | None = None, bare: bool = False) -> dict:
    """One `login --all` of `n` accounts (`bare`: bench/bare_accounts.py's N logins instead)."""
    people = accounts(n)
    names = {a.identifier: f"client-{i:02d}" for i, a in enumerate(people, 1)}
    state = workdir / "state"
    with Sandbox(Portal(people), sms_delay=0) as sandbox:
        lines = []
        for a in people:
            lines += [
                f"[accounts.{names[a.identifier]}]",
                f'identifier = "{a.identifier}"',
                f'password = "{a.password}"',
                f'url = "{sandbox.url}"',
                "",
            ]
        (workdir / "comptes.toml").write_text("\n".join(lines), encoding="utf-8")
        (workdir / "comptes.toml").chmod(0o600)

        codes = workdir / "codes"
        codes.mkdir()

        def hand_over(sms) -> None:  # off the sandbox's thread: `deliver` waits for the run to take it
            if bare:  # the bare script reads it from its own folder
                (codes / f"{sms.identifier}.tmp").write_text(sms.code, encoding="utf-8")
                (codes / f"{sms.identifier}.tmp").replace(codes / sms.identifier)
                return
            folder = dropbox.handover_dir(state, names[sms.identifier])
            threading.Thread(target=deliver, args=(folder / dropbox.CODE_FILE, {"code": sms.code}), daemon=True).start()

        sandbox.portal.outbox.listeners[:] = [hand_over]
        env = {k: v for k, v in os.environ.items() if not k.startswith("DAMANCOM_")}
        env.update(
            DAMANCOM_STATE_DIR=str(state),
            DAMANCOM_RECORDINGS=str(workdir / "recordings"),
            DAMANCOM_LOCAL_PAGE="0",
            DAMANCOM_PARALLEL=str(min(parallel or n, n)),
            PYTHONIOENCODING="utf-8",
        )
        start = time.perf_counter()
        command = [str(BIN / "damancom-bot"), "login", "--all"]
        if bare:
            command = [sys.executable, str(BARE), sandbox.url, str(codes), str(workdir / "bare")]
            command += [f"{a.identifier}:{a.password}" for a in people]
        process = subprocess.Popen(
            command,
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        memory = TreeMemory(process.pid)
        memory.start()
        out, err = process.communicate(timeout=max(600, 60 * n))  # 30 accounts on 2 cores: minutes
        seconds = time.perf_counter() - start
        memory.done.set()
        memory.join()
    if process.returncode != 0:
        what = "script nu" if bare else "login --all"
        raise SystemExit(f"{what} ({n}) a échoué (code {process.returncode}) :\n{out}\n{err}")
    return {
        "seconds": seconds,
        "rss": memory.rss,
        "pss": memory.pss,
        "processes": memory.processes,
        "parts": memory.parts,
        "cpu": sum(memory.cpu.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--sizes", default="1,3,5,10", type=_sizes, help="parmi 1, 3, 5, 10, 30, séparés par des virgules"
    )
    parser.add_argument(
        "--parallel",
        type=int,
        choices=range(1, 33),
        metavar="1..32",
        help="connexions à la fois (DAMANCOM_PARALLEL) ; par défaut autant que de comptes",
    )
    parser.add_argument(
        "--bare", action="store_true", help="mesure aussi le script nu (bench/bare_accounts.py), en alternance"
    )
    options = parser.parse_args()
    sizes = options.sizes
    kinds = ("bot", "nu") if options.bare else ("bot",)
    results: dict[tuple[str, int], list[dict]] = {(k, n): [] for k in kinds for n in sizes}
    load_before = os.getloadavg()  # a shared machine: the figures mean little without it
    for _ in range(options.runs):
        for n in sizes:  # alternated, so a noisy minute does not fall on one size or one kind only
            for kind in kinds:
                with tempfile.TemporaryDirectory(prefix="bench-comptes-") as tmp:
                    results[kind, n].append(once(n, Path(tmp), options.parallel, bare=kind == "nu"))
    print(
        f"Machine : {platform.platform()}, {os.cpu_count()} cœurs, "
        f"{psutil.virtual_memory().total / 2**30:.1f} Gio ; Python {platform.python_version()} ; "
        f"{options.runs} passages, médianes ; connexions à la fois : {options.parallel or 'toutes'}.\n"
    )
    medians = {}
    for kind in kinds:
        print(f"\n{'`damancom-bot login --all`' if kind == 'bot' else 'Script nu (bench/bare_accounts.py)'} :\n")
        print(
            "| comptes | durée (s) | × 1 compte | CPU (s) | × 1 compte | pic RSS (Mio) | pic PSS (Mio) "
            "| × 1 compte (PSS) | processus |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        base = None
        for n in sizes:
            keys = ("seconds", "cpu", "rss", "pss", "processes")
            med = medians[kind, n] = {k: statistics.median(r[k] for r in results[kind, n]) for k in keys}
            base = base or med
            print(
                f"| {n} | {med['seconds']:.1f} | {med['seconds'] / base['seconds']:.2f} | {med['cpu']:.1f} | "
                f"{med['cpu'] / base['cpu']:.2f} | {med['rss'] / 2**20:.0f} | "
                f"{med['pss'] / 2**20:.0f} | {med['pss'] / base['pss']:.2f} | {med['processes']:.0f} |"
            )
    if options.bare:
        print("\nBot ÷ script nu, à nombre de comptes égal (durée ; CPU ; PSS) :")
        for n in sizes:
            bot, bare = medians["bot", n], medians["nu", n]
            print(
                f"- {n} : {bot['seconds'] / bare['seconds']:.2f} ; {bot['cpu'] / bare['cpu']:.2f} ; "
                f"{bot['pss'] / bare['pss']:.2f}"
            )
    print(
        "\nCharge moyenne de la machine (1, 5, 15 min) au début : "
        f"{', '.join(f'{x:.1f}' for x in load_before)} ; à la fin : {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print()
    for kind in kinds:
        for n in sizes:
            parts = results[kind, n][-1]["parts"]
            print(
                f"{kind}, {n} compte(s), PSS au pic par sorte de processus : "
                + ", ".join(f"{k} {v / 2**20:.0f} Mio" for k, v in sorted(parts.items(), key=lambda kv: -kv[1]))
            )


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or not set(sizes) <= set(SIZES):
        raise argparse.ArgumentTypeError(
            f"« {text} » : tailles possibles {', '.join(map(str, SIZES))}, "
            "séparées par des virgules (par exemple 1,5,10,30)"
        )
    return sizes


if __name__ == "__main__":
    main()
