"""Loguru set-up: short French lines on the console, a rotating file in the state dir.

Every record passes through `redact.scrub` — message and traceback alike. Tracebacks are
formatted here without variable values (`diagnose=False` is not enough on its own: exception
texts from Playwright quote what was typed).
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import TextIO

from loguru import logger

from bot.output.redact import scrub
from bot.system import state_paths
from bot.system.files import private_dir, private_opener

LOG_NAME = "damancom-bot.log"
MAX_BYTES = 2 * 1024 * 1024
KEEP = 5  # damancom-bot.1.log … damancom-bot.5.log


def rotate(log_file: Path) -> bool:
    """At start-up only, when the file has grown past MAX_BYTES: .log → .1.log → … (oldest dropped).
    Another process still writing to it (Windows refuses the rename) means not now: a later command
    will rotate it. Returns whether it rotated."""
    try:
        if log_file.stat().st_size < MAX_BYTES:
            return False
        older = [log_file.with_name(f"{log_file.stem}.{n}{log_file.suffix}") for n in range(1, KEEP + 1)]
        older[-1].unlink(missing_ok=True)
        for newer, older_one in zip(reversed(older[:-1]), reversed(older[1:])):
            if newer.exists():
                os.replace(newer, older_one)
        os.replace(log_file, older[0])
        return True
    except OSError:  # PermissionError on Windows while another process holds the file: not now
        return False


def _patch(record) -> None:
    record["message"] = scrub(record["message"])
    exc = record["exception"]
    text = ""
    if exc is not None and exc.type is not None:
        text = scrub("".join(traceback.format_exception(exc.type, exc.value, exc.traceback)))
    record["extra"]["trace"] = text


def _file_format(record) -> str:
    return (
        "{time:YYYY-MM-DD HH:mm:ss.SSSZZ} | {level: <7} | {name}:{line} | "
        + _whose(record)
        + "{message}\n{extra[trace]}"
    )


def _console_format(record) -> str:
    return _whose(record) + "{message}\n"


def _whose(record) -> str:
    """« [account] » when several accounts run at once (`--all`: `logger.contextualize(account=…)`)."""
    return "[{extra[account]}] " if record["extra"].get("account") else ""


def close() -> None:
    """Removes every sink (closing the log file), so `cli.main` can run again in the same process."""
    logger.remove()


def setup(state_dir: Path | None, *, console: TextIO | None = None, verbose: bool = False) -> Path | None:
    """Configure sinks; returns the log file path (None when the state dir is unusable).

    Called once with `state_dir=None` before anything reads the configuration: from then on no
    record can reach the screen with a traceback or a variable's value (loguru's default sink
    would print both)."""
    logger.remove()
    logger.configure(patcher=_patch)
    logger.add(
        console or sys.stderr,
        level="DEBUG" if verbose else "INFO",
        format=_console_format,
        colorize=False,
        backtrace=False,
        diagnose=False,
        catch=True,
    )
    if state_dir is None:
        return None
    log_file = Path(state_dir) / state_paths.LOGS / LOG_NAME
    try:
        private_dir(log_file.parent)
        rotate(log_file)
        # No rotation while writing: the scheduler, its attempts and commands typed meanwhile all
        # append to this file, and on Windows a file another process holds open cannot be renamed.
        logger.add(
            log_file,
            level="DEBUG",
            format=_file_format,
            encoding="utf-8",
            backtrace=False,
            diagnose=False,
            enqueue=False,
            opener=private_opener,
        )
    except (OSError, ValueError):
        logger.warning("Impossible d'écrire le journal dans {} : journal sur la console seulement.", log_file.parent)
        return None
    return log_file
