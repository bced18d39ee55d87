"""Runs `damancom-bot` against an in-process sandbox, for hand-over tests: as a real process
(`BotProcess`), or in this process with the same surface (`InProcessLogin`) where a real process proves
nothing more; the commands the person types in another terminal (`cli`) are real processes either way."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

from bot.handover import dropbox
from tests.conftest import BIN
from tests.support.in_process import InProcessBot

_numbers = itertools.count(1)


class BotProcess:
    """Output goes to files, so the test may keep typing into stdin until the process ends."""

    def __init__(self, tmp_path: Path, env: dict, args: list[str], stdin=subprocess.DEVNULL, prefix: list[str] = ()):
        self.tmp_path, self.env = tmp_path, env
        number = next(_numbers)
        self._out_path, self._err_path = tmp_path / f"bot-{number}.out", tmp_path / f"bot-{number}.err"
        self._out, self._err = open(self._out_path, "w+"), open(self._err_path, "w+")
        self.process = subprocess.Popen(
            [*prefix, str(BIN / "damancom-bot"), *args],
            stdin=stdin,
            stdout=self._out,
            stderr=self._err,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        self.out = self.err = ""

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Another command typed by the person in another terminal, same state dir."""
        return subprocess.run(
            [str(BIN / "damancom-bot"), *args],
            capture_output=True,
            text=True,
            cwd=self.tmp_path,
            env=self.env,
            timeout=60,
        )

    def waiting(self, account: str = "PHARMA-DEMO") -> dict | None:
        return dropbox.read_waiting(dropbox.handover_dir(Path(self.env["DAMANCOM_STATE_DIR"]), account))

    def type(self, text: str) -> None:
        try:
            self.process.stdin.write(text + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the bot has already finished

    def output_so_far(self) -> str:
        return self._out_path.read_text(encoding="utf-8") if self._out_path.exists() else self.out

    def finish(self, timeout: float = 120) -> int:
        code = self.process.wait(timeout=timeout)
        self._collect()
        return code

    def _collect(self) -> None:
        for handle in (self._out, self._err):
            handle.close()
        self.out = self._out_path.read_text(encoding="utf-8")
        self.err = self._err_path.read_text(encoding="utf-8")
        self._out_path.unlink()
        self._err_path.unlink()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self._out.closed:
            self._collect()
        if self.process.stdin:
            self.process.stdin.close()


class InProcessLogin:
    """`damancom-bot *args` in a thread of this process (`InProcessBot`), used as a `BotProcess`."""

    cli = BotProcess.cli
    waiting = BotProcess.waiting

    def __init__(self, tmp_path: Path, env: dict, args: list[str], *, interactive: bool = False):
        self.tmp_path, self.env = tmp_path, env
        self._bot = InProcessBot(args, environ=env, cwd=tmp_path, interactive=interactive).start()
        self._done = False
        self.out = self.err = ""

    def type(self, text: str) -> None:
        self._bot.type(text)

    def output_so_far(self) -> str:
        return self._bot.output_so_far()

    def finish(self, timeout: float = 120) -> int:
        self._done = True
        try:
            return self._bot.finish(timeout)
        finally:
            self.out, self.err = self._bot.out, self._bot.err

    def kill(self) -> None:
        """A thread cannot be killed: a run still going when its test ended is left to finish in its own
        thread, its output no longer collected (the test has already failed)."""
        if not self._done:
            try:
                self.finish(timeout=0)
            except Exception:  # noqa: BLE001 - still going, or crashed: the test has failed already
                pass
