"""Everything environmental a command touches, passed in so tests can run the CLI in-process."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, TextIO

from bot.system import clock


@dataclass
class Env:
    environ: dict[str, str] = field(default_factory=dict)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    base_environ: dict[str, str] | None = None  # before `--account` chose an account (bot/commands/options.py)
    cwd: Path = field(default_factory=Path.cwd)  # the person's working folder: `./.env`, relative paths
    now: Callable[[], datetime] = clock.now  # Moroccan time

    def path(self, given: str | Path) -> Path:
        """A path the person typed, read from their working folder (an absolute path stays itself)."""
        return self.cwd / Path(given)

    def say(self, text: str = "") -> None:
        try:
            self.stdout.write(text + "\n")
            self.stdout.flush()
        except BrokenPipeError:  # `status | head`: the reader has what it wanted
            from bot.errors import OutputClosed

            raise OutputClosed("La sortie a été fermée par le programme qui la lisait.") from None
