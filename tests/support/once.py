"""Session resources started once for the whole run, not once per xdist worker (pytest-xdist's
FileLock recipe): the first worker to need one starts it and writes what the others need to reach it
(an address, a folder) in the run's shared temporary folder. A process is counted: each worker
counts itself in and out, and the last one out stops it (a worker may well be the one that did not
start it). Without xdist, a plain session resource."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock

from bot.system import processes

_STARTED: dict[int, subprocess.Popen] = {}  # the processes this worker started: reaped here when stopped


@contextlib.contextmanager
def once_per_run(
    tmp_path_factory, name: str, start: Callable[[Path], object], *, process: bool = False
) -> Iterator[object]:
    """`start(folder)` makes the resource in a fresh folder and returns what a test needs (JSON); with
    `process`, it returns `(value, popen)` and the process is stopped when the last worker is done."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        with per_process(tmp_path_factory, name, start, process=process) as value:
            yield value
        return
    root = tmp_path_factory.getbasetemp().parent  # shared by this run's workers, fresh for each run
    record = root / f"{name}.json"
    with FileLock(f"{record}.lock"):
        shared = json.loads(record.read_text(encoding="utf-8")) if record.exists() else None
        if shared is None:
            made = start(Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root)))
            shared = {"value": made, "users": 0}
            if process:
                value, popen = made
                _STARTED[popen.pid] = popen
                shared = {"value": value, "users": 0, "pid": popen.pid, "created": _created(popen.pid)}
        shared["users"] += 1
        record.write_text(json.dumps(shared), encoding="utf-8")
    try:
        yield shared["value"]
    finally:
        if process:
            _leave(record, shared["pid"], shared["created"])


@contextlib.contextmanager
def per_process(
    tmp_path_factory, name: str, start: Callable[[Path], object], *, process: bool = False
) -> Iterator[object]:
    """`once_per_run`'s contract, but one for each test process (each xdist worker, or the only one)."""
    made = start(tmp_path_factory.mktemp(name))
    value, popen = made if process else (made, None)
    try:
        yield value
    finally:
        if popen:
            _STARTED[popen.pid] = popen
            stop(popen.pid)


def _created(pid: int) -> float | None:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def _leave(record: Path, pid: int, created: float | None) -> None:
    with FileLock(f"{record}.lock"):
        shared = json.loads(record.read_text(encoding="utf-8"))
        shared["users"] -= 1
        if shared["users"]:
            record.write_text(json.dumps(shared), encoding="utf-8")
            return
        record.unlink()  # a worker that needs it later starts a new one
    stop(pid, created)


def stop(pid: int, created: float | None = None) -> None:
    """Asks the process to end, then kills it: reaped when this worker started it, else waited for
    until it is gone (a zombie of another worker counts as gone)."""
    import psutil

    from tests.support.waiting import wait_until

    own = _STARTED.pop(pid, None)
    if not processes.alive(pid, created):
        return  # already gone (or its pid reused since)
    try:
        psutil.Process(pid).terminate()
    except psutil.Error:
        return
    try:
        if own:
            own.wait(timeout=10)
        else:
            wait_until(lambda: not processes.alive(pid, created), timeout=10)
    except (subprocess.TimeoutExpired, AssertionError):
        processes.kill_tree(pid)
        if own:
            own.wait(timeout=10)
