"""A bot process started as a terminal starts it, for tests that press Ctrl-C or close the window."""

from __future__ import annotations

import os
import signal


def _signals_as_in_a_terminal() -> None:
    for number in (signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


# Popen(..., **AS_FROM_A_TERMINAL): Ctrl-C and the closing window act on the bot. A runner that started
# the tests in the background leaves SIGINT ignored, which exec passes on and Python then keeps.
# Windows has no preexec_fn (nor these signals): nothing to do there.
AS_FROM_A_TERMINAL = {"preexec_fn": _signals_as_in_a_terminal} if os.name == "posix" else {}
