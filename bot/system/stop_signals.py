"""Closing the console window, logging off, `kill`: the run still writes its last manifest line.

Windows turns the console's close, log-off and shut-down events into SIGBREAK (the C runtime does,
and gives the process a few seconds); a closing terminal sends SIGHUP on Linux and macOS; services
get SIGTERM. Each becomes `StopRequested`, a KeyboardInterrupt: the same clean end as Ctrl-C (the
audit trail is closed with its report, exit 130).
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

NAMES = ("SIGBREAK", "SIGHUP", "SIGTERM")  # those this system has


class StopRequested(KeyboardInterrupt):
    """The window closed or the system asked the program to stop."""


def _raise(signum, frame) -> None:
    raise StopRequested(signum)


@contextmanager
def stopping_cleanly():
    """Installs the handlers for the duration of a command (main thread only), then puts back
    whatever was there (tests run many commands in one process)."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    previous = {}
    for name in NAMES:
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            previous[number] = signal.signal(number, _raise)
        except (OSError, ValueError):
            continue
    try:
        yield [signal.Signals(n).name for n in previous]
    finally:
        for number, handler in previous.items():
            try:
                signal.signal(number, handler)
            except (OSError, ValueError):
                pass
