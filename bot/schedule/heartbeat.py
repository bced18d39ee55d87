"""`scheduler.json` in the state dir: is a scheduler running, when did it last look, and why did it
stop. `status` reads it; liveness is the recorded process (pid and start time, through psutil:
portable, and a reused pid is not mistaken for the scheduler)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from bot.system import processes, state_paths
from bot.system.files import read_json_object, write_atomic

FILE = state_paths.HEARTBEAT


def _read(state_dir: Path) -> dict:
    try:
        return read_json_object(Path(state_dir) / FILE)
    except (OSError, ValueError):
        return {}


def _me() -> dict:
    return processes.me()


def started(state_dir: Path, now: datetime) -> None:
    write_atomic(Path(state_dir) / FILE, {**_me(), "started": now.isoformat(), "last_tick": None, "stopped": None})


def ticked(state_dir: Path, now: datetime) -> None:
    data = _read(state_dir)
    if data.get("pid") != os.getpid():
        data = {**_me(), "started": now.isoformat(), "stopped": None}
    write_atomic(Path(state_dir) / FILE, {**data, "last_tick": now.isoformat()})


def stopped(state_dir: Path, now: datetime, code: int, message: str) -> None:
    """The scheduler ended on an error: `status` tells why (a service no longer restarts it)."""
    data = _read(state_dir)
    write_atomic(
        Path(state_dir) / FILE,
        {**data, "pid": None, "stopped": {"at": now.isoformat(), "code": code, "message": message}},
    )


def alive(pid, created) -> bool:
    return processes.alive(pid, created) if created is not None else False


def read(state_dir: Path) -> dict:
    """{"running", "pid", "started", "last_tick", "stopped"} (times ISO, None when unknown)."""
    data = _read(state_dir)
    running = alive(data.get("pid"), data.get("created"))
    return {
        "running": running,
        "pid": data.get("pid") if running else None,
        "started": data.get("started"),
        "last_tick": data.get("last_tick"),
        "stopped": data.get("stopped"),
    }
