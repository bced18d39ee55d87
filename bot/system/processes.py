"""Is a process still running? Through psutil, one answer on every system: on Windows there is no
`os.kill(pid, 0)` (it would terminate the process), and psutil asks the process table there
(OpenProcess) as it reads /proc on Linux. A process is named by its pid and its start time, so a
pid reused after a crash is not mistaken for the run that wrote it; a zombie is not alive."""

from __future__ import annotations

import os


def me() -> dict:
    import psutil

    return {"pid": os.getpid(), "created": psutil.Process().create_time()}


def alive(pid, created=None) -> bool:
    """`created` (seconds since the epoch, from `me()`): when given, the start time must match."""
    import psutil

    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        process = psutil.Process(pid)
        if created is not None and abs(process.create_time() - float(created)) >= 1:
            return False  # the pid now belongs to another process
        return process.status() != psutil.STATUS_ZOMBIE
    except (psutil.Error, TypeError, ValueError):
        return False


def kill_tree(pid: int, wait: float = 5.0) -> list[int]:
    """Kills a process and everything it started (Playwright's driver, Chrome and its helpers): a
    timed-out attempt must not leave a browser running. Children first are listed, then all die."""
    import psutil

    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.Error:
        return []
    for process in family:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(family, timeout=wait)
    return [p.pid for p in family]
