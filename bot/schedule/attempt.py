"""One scheduled attempt: `damancom-bot login --unattended` as a child process, its outcome read
back from a small JSON file. A child process keeps the scheduler alive whatever the browser does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Outcome:
    exit_code: int
    period_state: str | None
    audit_folder: str | None
    message: str
    reason: str | None = None  # PersonDeclined: "not_now" or "stop"
    periods: list | None = None  # every (label, state) the login saw: one login serves every due period
    sms: bool | None = None  # did the portal send an SMS (None: unknown)

    @classmethod
    def read(cls, data: dict) -> "Outcome":
        """An outcome as a child's result file gives it (`write_result`; one per member for `--all`)."""
        return cls(
            int(data["exit_code"]),
            data.get("period_state"),
            data.get("audit_folder"),
            data.get("message", ""),
            reason=data.get("reason"),
            periods=data.get("periods"),
        )

    def state_of(self, period: str) -> str | None:
        """ "declared" / "to_declare" / None for any period the login's summary listed."""
        if not self.periods:
            return None
        from flows.interface import InterfaceSummary

        return InterfaceSummary(None, None, [tuple(p) for p in self.periods]).state_of(period)


def run_attempt(
    period: str,
    environ: dict[str, str],
    *,
    headed: bool = False,
    timeout: float | None = None,
    declaration_file: Path | None = None,
    account: str | None = None,
) -> Outcome:
    """`declaration_file`: a file waiting in the inbox for this period: file it (`declare`).
    `account`: the accounts file's account the child runs for (`--account`)."""
    with tempfile.TemporaryDirectory(prefix="damancom-attempt-") as tmp:
        result_file = Path(tmp) / "result.json"
        verb = "declare" if declaration_file else "login"
        command = [
            sys.executable,
            "-m",
            "bot",
            verb,
            "--unattended",
            "--period",
            period,
            "--result-json",
            str(result_file),
        ]
        if declaration_file:
            command += ["--file", str(declaration_file)]
        if account:
            command += ["--account", account]
        if headed:
            command.append("--headed")
            if not declaration_file:  # a person at the screen may file it in the bot's browser
                command.append("--watch-declaration")
        returncode, stderr = _run_child(command, utf8(environ), timeout)
        if returncode is None:
            return Outcome(4, None, None, "L'essai a dépassé sa durée maximale et a été arrêté.")
        try:
            data = json.loads(result_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = (stderr.strip().splitlines() or ["aucun message"])[-2:]
            return Outcome(returncode or 1, None, None, " ".join(last))
    return Outcome.read(data)


def utf8(environ: dict[str, str]) -> dict[str, str]:
    """The child writes UTF-8 whatever the console's code page (cp1252, cp850 on Windows): the
    scheduler reads it as UTF-8 too (`_run_child`), so « é » and « » » arrive as they were."""
    return {**environ, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}


def _run_child(command: list[str], environ: dict[str, str], timeout: float | None) -> tuple[int | None, str]:
    """(exit code, stderr); exit code None when the attempt ran out of time: then the child and
    everything it started (the browser) are killed."""
    from bot.system.processes import kill_tree

    # Same process group as the scheduler: Ctrl-C (or the machine going off) reaches the run too.
    child = subprocess.Popen(
        command,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        errors="replace",
    )
    try:
        _, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(child.pid)
        child.communicate()
        return None, ""
    except BaseException:  # Ctrl-C or the window closing while an attempt runs: no orphan browser
        kill_tree(child.pid)
        raise
    return child.returncode, stderr


def write_result(
    path: str | None,
    exit_code: int,
    period_state: str | None,
    folder,
    message: str,
    *,
    reason: str | None = None,
    periods: list | None = None,
) -> None:
    """The child's side of the contract read by `run_attempt` (`--result-json`). `reason`: why the
    person declined (`PersonDeclined.reason`); `periods`: the login summary's (label, state) rows."""
    if path:
        from bot.system.files import write_atomic

        write_atomic(
            Path(path),
            {
                "exit_code": exit_code,
                "period_state": period_state,
                "audit_folder": str(folder),
                "message": message,
                "reason": reason,
                "periods": [list(p) for p in periods] if periods else None,
            },
        )


def child_environment() -> dict[str, str]:
    return utf8(dict(os.environ))


def display_available(environ: dict[str, str]) -> bool:
    if sys.platform.startswith("linux"):
        return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
    return True  # Windows and macOS sessions have a screen
