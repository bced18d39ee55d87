"""Time and peak memory of `damancom-bot bds check`, each case a whole fresh process.

    uv run python bench/bds_check.py [--employees 20000]

Cases: a small valid file (start-up cost), a valid 20 000-employee declaration with its préétabli,
the same with a blank line every other line, 100 MB of random bytes (refused on its size before it is
read), 45 MB of random bytes (under the limit: refused as « not text » after reading), and 45 MB of
valid-looking B02 lines (the largest file the checker reads in full). Peak memory is the process's
maximum resident set size (VmHWM, read at exit), so it includes Python and the bot's imports.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.ebds.build import build_declaration  # noqa: E402
from bot.ebds.rules import insured_key  # noqa: E402
from tests.bot.ebds.mutations import make_preetabli  # noqa: E402

# The entry point's own code, plus a note of the process's peak resident memory (VmHWM) at exit.
# (`wait4`'s ru_maxrss would count the benchmark's own memory, inherited through fork and exec.)
ENTRY = (
    "import atexit, re, sys\n"
    "atexit.register(lambda: sys.stderr.write(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]))\n"
    "from bot.cli import main\n"
    "sys.argv[0] = 'damancom-bot'\n"
    "sys.exit(main())\n"
)


def declaration(employees: int) -> tuple[str, str]:
    """(préétabli, declaration) for `employees` insured people, a few leavers and new hires."""
    rng = random.Random(15)
    numbers = [f"1{i:07d}" for i in range(employees + 50)]
    numbers = [n + str(insured_key(n)) for n in numbers]
    staff = [(n, f"SALARIE NUMERO {i}", rng.randint(0, 4), 0, 0) for i, n in enumerate(numbers[:employees])]
    staff = [(n, name, c, c * 30000, 0) for n, name, c, _, _ in staff]
    pre = make_preetabli("1234567", "202610", staff)
    rows = ["immatriculation;jours;salaire_brut;situation;nom;cin"]
    for i, (number, *_rest) in enumerate(staff):
        situation = "SO" if i % 97 == 0 else ""
        rows.append(f"{number};26;{rng.randint(3000, 15000)},{rng.randint(0, 99):02d};{situation};;")
    for i, number in enumerate(numbers[employees:]):
        rows.append(f"{number};26;4000;;Nouvelle Recrue {i};BK{i:06d}")
    built = build_declaration(pre, ("\n".join(rows) + "\n").encode("utf-8"), 600_000)
    return pre, built.content


def measure(args: list[str], cwd: Path) -> tuple[float, float, float, int, int]:
    """(wall seconds, CPU seconds, peak MiB, exit code, lines of output). CPU time is what to compare
    on a loaded machine; wall time is what a person waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", ENTRY, *args], cwd=cwd, capture_output=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak = int(done.stderr.decode().rsplit("\n", 1)[-1].split()[-1]) / 1024
    return seconds, cpu, peak, done.returncode, done.stdout.count(b"\n") + done.stderr.count(b"\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=20_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        pre, content = declaration(options.employees)
        (here / "pre.txt").write_text(pre)
        (here / "grand.txt").write_bytes(content.encode("ascii"))
        small_pre, small = declaration(3)
        (here / "petit-pre.txt").write_text(small_pre)
        (here / "petit.txt").write_bytes(small.encode("ascii"))
        (here / "vides.txt").write_bytes(content.replace("\r\n", "\r\n\r\n").encode("ascii"))
        with open(here / "garbage-100.bin", "wb") as f:
            for _ in range(100):
                f.write(os.urandom(1024 * 1024))
        with open(here / "garbage-45.bin", "wb") as f:
            for _ in range(45):
                f.write(os.urandom(1024 * 1024))
        b02 = next(line for line in content.split("\r\n") if line.startswith("B02"))
        with open(here / "b02-45.txt", "wb") as f:
            f.write(((b02 + "\r\n") * (45 * 1024 * 1024 // 262)).encode("ascii"))
        cases = [
            ("3 salariés (démarrage)", ["bds", "check", "petit.txt", "--preetabli", "petit-pre.txt"]),
            (f"{options.employees} salariés + préétabli", ["bds", "check", "grand.txt", "--preetabli", "pre.txt"]),
            (f"{options.employees} salariés, une ligne vide sur deux", ["bds", "check", "vides.txt"]),
            ("100 Mo d'octets aléatoires", ["bds", "check", "garbage-100.bin"]),
            ("45 Mo d'octets aléatoires", ["bds", "check", "garbage-45.bin"]),
            ("45 Mo de lignes B02", ["bds", "check", "b02-45.txt"]),
        ]
        print(f"Charge moyenne au départ : {os.getloadavg()[0]:.1f} ({os.cpu_count()} cœurs)")
        print("| cas | taille | durée (s) | CPU (s) | mémoire max (Mio) | code | lignes affichées |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for label, args in cases:
            size = (here / args[2]).stat().st_size / 1024 / 1024
            seconds, cpu, peak, code, lines = measure(args, here)
            print(f"| {label} | {size:.1f} Mo | {seconds:.2f} | {cpu:.2f} | {peak:.0f} | {code} | {lines} |")


if __name__ == "__main__":
    main()
