"""The scheduled task's entry on Windows, started by pythonw.exe: no console window opens at each
log-on, and there is none to close (closing it stopped the planner). pythonw gives the process no
standard streams (None, where the CLI and the logger write): they go to a file in the state dir,
started afresh at each log-on, so a failure still leaves its words."""

from __future__ import annotations

import os
import sys

from bot.system.state_paths import SCHEDULER_CONSOLE as CONSOLE_FILE


def _streams() -> None:
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")
    if sys.stdout is not None and sys.stderr is not None:
        return
    from bot.settings.config import state_dir
    from bot.system.files import private_dir, private_opener

    try:
        folder = private_dir(state_dir(os.environ))
        stream = open(
            folder / CONSOLE_FILE, "w", encoding="utf-8", errors="replace", buffering=1, opener=private_opener
        )
    except OSError:
        stream = open(os.devnull, "w", encoding="utf-8")
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream


def main() -> int:
    _streams()
    from bot.cli import main as cli

    return cli(["schedule", *sys.argv[1:]])


if __name__ == "__main__":
    raise SystemExit(main())
