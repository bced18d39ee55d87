"""Runs the dashboard starts: `damancom-bot login` / `declare` as child processes (as the scheduler
does, `bot/schedule/attempt.py`), one at a time. Their output goes to a private file; the page
shows its last French line when the run ends. The child's own local code page is off: the
dashboard's code box hands the code over through the same dropbox as `damancom-bot otp`. A run is
detached from the dashboard's console: Ctrl+C or closing that window stops the page, never a run
it started (which may have sent its SMS already); its code can still come from `damancom-bot otp`."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.errors import BadInput
from bot.settings import table
from bot.system.files import private_dir

# Out of the console's process group: the console's Ctrl+C and closing window do not reach the run.
if os.name == "nt":
    DETACHED = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW}
else:
    DETACHED = {"start_new_session": True}

VERB_FR = {"login": "connexion", "declare": "dépôt de la déclaration"}
DONE_FR = {"login": "réussie", "declare": "réussi"}


@dataclass
class Job:
    verb: str
    period: str
    account: str
    started: float
    process: subprocess.Popen
    output: Path
    ended: float | None = None
    exit_code: int | None = None
    last_line: str = ""
    trial: bool = False  # started in « mode essai » (the sandbox)

    @property
    def running(self) -> bool:
        return self.exit_code is None


class Jobs:
    def __init__(self, environ: dict[str, str], cwd: Path, folder: Path):
        self.environ, self.cwd, self.folder = environ, Path(cwd), Path(folder)
        self.history: list[Job] = []
        self._lock = threading.Lock()

    def current(self) -> Job | None:
        with self._lock:
            for job in self.history:
                self._poll(job)
            return self.history[-1] if self.history else None

    def start(
        self,
        verb: str,
        account: str,
        period: str = "",
        extra: tuple[str, ...] = (),
        env_extra: dict[str, str] | None = None,
        trial: bool = False,
    ) -> Job:
        with self._lock:
            for job in self.history:
                self._poll(job)
            if any(job.running for job in self.history):
                raise BadInput(
                    "Une connexion lancée depuis cette page est déjà en cours : attendez qu'elle se termine."
                )
            private_dir(self.folder)
            output = self.folder / f"{verb}-{int(time.time() * 1000)}.txt"
            command = [sys.executable, "-m", "bot", verb, *(["--period", period] if period else []), *extra]
            environ = {
                **self.environ,
                table.LOCAL_PAGE.name: "0",
                "PYTHONIOENCODING": "utf-8",
                "PYTHONUTF8": "1",
                **(env_extra or {}),
            }
            with open(output, "w", encoding="utf-8") as sink:
                process = subprocess.Popen(
                    command,
                    cwd=self.cwd,
                    env=environ,
                    stdin=subprocess.DEVNULL,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    **DETACHED,
                )
            job = Job(verb, period, account, time.time(), process, output, trial=trial)
            self.history.append(job)
            return job

    def stop_all(self) -> None:
        """Tests and shutdown: children still running are ended (their run lock and files go with them)."""
        with self._lock:
            for job in self.history:
                if job.process.poll() is None:
                    job.process.terminate()
                    try:
                        job.process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        job.process.kill()
                        job.process.wait()

    def _poll(self, job: Job) -> None:
        if job.exit_code is not None:
            return
        code = job.process.poll()
        if code is None:
            return
        job.exit_code, job.ended = code, time.time()
        job.last_line = _last_line(job.output)


def _last_line(path: Path) -> str:
    """The run's conclusion: its « Erreur : » sentence, else its last line (French, secrets scrubbed)."""
    try:
        lines = [
            line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()
        ]
    except OSError:
        return ""
    errors = [line for line in lines if line.startswith("Erreur : ")]
    if errors:
        return errors[-1].removeprefix("Erreur : ")
    lines = [line for line in lines if not line.startswith("(code de sortie")]
    return lines[-1] if lines else ""
