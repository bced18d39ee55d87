"""The dashboard's memory: where the bot's files are, the tokens of this session, the runs it
started, the last file checked, the doctor's results, and the notes shown after a button."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

from bot.app import overview
from bot.app.jobs import Jobs
from bot.settings import table
from bot.system import localweb, state_paths

PERIODS_EVERY = 3.0  # seconds


class Dashboard:
    def __init__(self, environ: dict[str, str], cwd: Path):
        from bot.settings.config import recordings_dir, state_dir

        self.environ, self.cwd = environ, Path(cwd)
        # Read as the bot reads them, but a bad setting elsewhere must not keep the page from opening:
        # the page is where it gets fixed (`config_problem`).
        self.real_state_dir = state_dir(environ)
        self.real_recordings = recordings_dir(environ, self.cwd)  # where its runs write, as the bot finds it
        self.trial = None  # the « mode essai » (`trial.py`) when on: the sandbox, its account and folders
        self.token, self.csrf = localweb.new_token(), localweb.new_token()
        self.jobs = Jobs(environ, self.cwd, self.real_state_dir / state_paths.DASHBOARD_RUNS)
        self.pending: dict | None = None  # the last declaration file checked (not yet filed)
        self.doctor: dict = {}
        self.given: set = set()  # codes already handed over (memory only, never written)
        self.notes: dict[str, tuple[str, str, int | None]] = {}  # kind, text, refusals seen when a code was given
        self._note_ids = itertools.count(1)
        self._periods: tuple[float, list] | None = None
        self._reports: list | None = None
        self._job_seen = None
        self.lock = threading.Lock()  # one button at a time (a double click is handled after the first)

    def config_problem(self) -> str:
        """The French sentence of a setting every command would refuse, or ""."""
        from bot.errors import BotError
        from bot.settings.config import load_settings

        try:
            load_settings({**self.environ, **self.child_secrets()}, need_credentials=False)
        except BotError as exc:
            return exc.message
        return ""

    @property
    def state_dir(self) -> Path:
        return self.trial.state_dir if self.trial else self.real_state_dir

    @property
    def recordings(self) -> Path:
        return self.trial.recordings if self.trial else self.real_recordings

    def run_env(self) -> dict[str, str]:
        """What a run started here gets over the dashboard's environment: the password from the keyring,
        or in « mode essai » the sandbox and its account."""
        return self.trial.run_env() if self.trial else self.child_secrets()

    def run_environ(self) -> dict[str, str]:
        return {**self.environ, **self.run_env()}

    def set_trial(self, on: bool) -> None:
        from bot.app.trial import Trial

        if on and self.trial is None:
            self.trial = Trial(self.real_state_dir)
        elif not on and self.trial is not None:
            self.trial.stop()
            self.trial = None
        # a file checked for one portal is not for the other
        self.pending, self._periods, self._reports = None, None, None

    @property
    def prefix(self) -> str:
        return f"/app/{self.token}"

    @property
    def account(self) -> str:
        from bot.app.settings_form import account_name

        return self.trial.account.identifier if self.trial else account_name(self.environ)

    def env_file(self) -> Path:
        from bot.app.settings_form import env_file

        return env_file(self.environ, self.cwd)

    def has_password(self) -> bool:
        from bot.app.settings_form import password_for_child

        return bool(table.PASSWORD.text(self.environ)) or bool(password_for_child(self.environ))

    def child_secrets(self) -> dict[str, str]:
        from bot.app.settings_form import password_for_child

        return password_for_child(self.environ)

    def note(self, kind: str, text: str, refusals: int | None = None) -> str:
        number = str(next(self._note_ids))
        self.notes[number] = (kind, text, refusals)
        return number

    def default_period(self) -> str:
        from bot.system import clock

        return clock.previous_period(clock.now())

    def scheduler(self) -> dict:
        from bot.schedule import heartbeat

        return heartbeat.read(self.state_dir)

    def scheduler_line(self) -> str:
        from html import escape

        running = self.scheduler().get("running")
        text = (
            "Planificateur actif : les essais ont lieu aux heures creuses."
            if running
            else "Aucun planificateur ne tourne : les essais prévus n'auront pas lieu "
            "(lancez « damancom-bot schedule » ou installez-le avec « damancom-bot schedule --install »)."
        )
        return f'<p class="{"ok" if running else "discret"}">{escape(text)}</p>'

    def periods(self) -> list[overview.PeriodView]:
        """Read again at most every few seconds: the page polls every second, the ledger is shared
        with the scheduler (each read is a short SQLite transaction)."""
        now = time.monotonic()
        if self._periods is None or now - self._periods[0] > PERIODS_EVERY or self.jobs_changed():
            running = bool(self.scheduler().get("running")) and not self.trial  # no planner runs trials
            self._periods = (now, overview.periods(self.state_dir, self.environ, running))
            self._reports = None  # read again with them: a run just ended shows its report at once
        return self._periods[1]

    def jobs_changed(self) -> bool:
        """A run started here just ended: its outcome shows at once, not a few seconds later."""
        job = self.jobs.current()
        seen = (id(job), job.running) if job else None
        changed, self._job_seen = seen != self._job_seen, seen
        return changed

    def reports(self) -> list[overview.ReportView]:
        """Kept as long as the periods are: fifty employers' run folders are not listed every second."""
        if self._reports is None:
            self._reports = overview.reports(self.recordings)
        return self._reports
