"""Runs `bot.cli.main` inside the test process, with the same result as a `damancom-bot` process.

A real process costs seconds (interpreter start, imports) and proves nothing more for most
tests: the one real-process test per command lives beside them (`run_cli(..., process=True)`).
`main` runs in a thread of its own: Playwright's sync API refuses to start in a thread where
pytest-playwright's session already runs it (`doctor`, `login` launch a browser).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import threading
from pathlib import Path

from bot import cli
from bot.env import Env


def run_main(args: list[str], *, environ: dict[str, str], cwd: Path, input: str | None = None
             ) -> subprocess.CompletedProcess:
    """`damancom-bot *args` in this process: its own environment, working dir and streams."""
    stdout, stderr = io.StringIO(), io.StringIO()
    env = Env(environ=dict(environ), stdin=io.StringIO(input or ""), stdout=stdout, stderr=stderr)
    outcome: dict = {}

    def call() -> None:
        try:
            outcome["code"] = cli.main(list(args), env)
        except SystemExit as exit_:  # argparse (usage errors, --help, --version)
            outcome["code"] = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = exc

    before = os.getcwd()
    os.chdir(cwd)  # `.env` and relative paths are read from the working dir, as in a shell
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            thread = threading.Thread(target=call, name="damancom-bot-main")
            thread.start()
            thread.join()
    finally:
        os.chdir(before)
    if "error" in outcome:
        raise outcome["error"]
    return subprocess.CompletedProcess(["damancom-bot", *args], outcome["code"], stdout.getvalue(), stderr.getvalue())
