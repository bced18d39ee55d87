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


class InProcessBot:
    """`damancom-bot *args` running in a thread of this process while the test goes on: the test
    may `type` into its stdin (a real pipe, as a terminal's) until `finish`."""

    def __init__(
        self,
        args: list[str],
        *,
        environ: dict[str, str],
        cwd: Path,
        input: str | None = None,
        interactive: bool = False,
    ):
        self.args, self.cwd = list(args), cwd
        self._pipe = None
        if interactive:
            read_end, write_end = os.pipe()
            stdin = os.fdopen(read_end, "r", encoding="utf-8")
            self._pipe = os.fdopen(write_end, "w", encoding="utf-8")
        else:
            stdin = io.StringIO(input or "")
        self._stdout, self._stderr = io.StringIO(), io.StringIO()
        # `.env` and relative paths are read from `cwd`, as in a shell started there: no chdir, which
        # would move every thread of the test process
        self._env = Env(environ=dict(environ), stdin=stdin, stdout=self._stdout, stderr=self._stderr, cwd=Path(cwd))
        self._outcome: dict = {}
        self._thread = threading.Thread(target=self._call, name="damancom-bot-main", daemon=True)
        self.out = self.err = ""

    def _call(self) -> None:
        try:
            self._outcome["code"] = cli.main(list(self.args), self._env)
        except SystemExit as exit_:  # argparse (usage errors, --help, --version)
            self._outcome["code"] = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            self._outcome["error"] = exc

    def start(self) -> "InProcessBot":
        self._redirected = contextlib.ExitStack()  # what prints to sys.stdout lands in this run's output
        self._redirected.enter_context(contextlib.redirect_stdout(self._stdout))
        self._redirected.enter_context(contextlib.redirect_stderr(self._stderr))
        self._thread.start()
        return self

    def type(self, text: str) -> None:
        try:
            self._pipe.write(text + "\n")
            self._pipe.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # the bot has already finished

    def output_so_far(self) -> str:
        return self._stdout.getvalue()

    def finish(self, timeout: float | None = None) -> int:
        """The exit code; TimeoutError when the bot is still going after `timeout` (a hang)."""
        self._thread.join(timeout)
        self._redirected.close()
        if self._pipe:
            self._pipe.close()
        self.out, self.err = self._stdout.getvalue(), self._stderr.getvalue()
        if self._thread.is_alive():
            raise TimeoutError(f"damancom-bot {' '.join(self.args)} still running after {timeout} s")
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["code"]


def run_main(
    args: list[str], *, environ: dict[str, str], cwd: Path, input: str | None = None
) -> subprocess.CompletedProcess:
    """`damancom-bot *args` in this process: its own environment, working dir and streams."""
    bot = InProcessBot(args, environ=environ, cwd=cwd, input=input)
    code = bot.start().finish()
    return subprocess.CompletedProcess(["damancom-bot", *args], code, bot.out, bot.err)
