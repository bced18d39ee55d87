"""A real `damancom-bot` process held to bounded memory and time: a command that reads /dev/zero
whole dies of MemoryError (exit 1) instead of taking the machine's memory, one that blocks on a
FIFO is stopped by the timeout (the test fails) instead of hanging the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
MEMORY = 1 << 30  # bytes of address space: the bot's imports need far less


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def bounded_run(args, *, env: dict, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "damancom-bot"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        preexec_fn=_limited if os.name == "posix" else None,
    )
