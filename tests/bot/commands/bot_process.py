"""Runs `damancom-bot` as a real process against an in-process sandbox, for hand-over tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot.handover import dropbox
from tests.conftest import BIN


class BotProcess:
    def __init__(self, tmp_path: Path, env: dict, args: list[str], stdin=subprocess.DEVNULL, prefix: list[str] = ()):
        self.tmp_path, self.env = tmp_path, env
        self.process = subprocess.Popen([*prefix, str(BIN / "damancom-bot"), *args], stdin=stdin,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        cwd=tmp_path, env=env)
        self.out = self.err = ""

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Another command typed by the person in another terminal, same state dir."""
        return subprocess.run([str(BIN / "damancom-bot"), *args], capture_output=True, text=True,
                              cwd=self.tmp_path, env=self.env, timeout=60)

    def waiting(self, account: str = "PHARMA-DEMO") -> dict | None:
        return dropbox.read_waiting(dropbox.handover_dir(Path(self.env["DAMANCOM_STATE_DIR"]), account))

    def finish(self, timeout: float = 120) -> int:
        self.out, self.err = self.process.communicate(timeout=timeout)
        return self.process.returncode

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
