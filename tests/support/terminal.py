"""A bot process started as a terminal starts it, for tests that press Ctrl-C or close the window."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path


def _signals_as_in_a_terminal() -> None:
    for number in (signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


# Popen(..., **AS_FROM_A_TERMINAL): Ctrl-C and the closing window act on the bot. A runner that started
# the tests in the background leaves SIGINT ignored, which exec passes on and Python then keeps.
# Windows has no preexec_fn (nor these signals): nothing to do there.
AS_FROM_A_TERMINAL = {"preexec_fn": _signals_as_in_a_terminal} if os.name == "posix" else {}


@contextlib.contextmanager
def login_waiting_for_code(folder: Path, cli_env: dict, sandbox, account, *, own_group: bool = False):
    """A real `damancom-bot login` on `sandbox`, started as a terminal starts it (`own_group`: in its own
    process group, as a terminal's job, for Ctrl-C to the group), yielded once it waits for the SMS
    code; killed at the end if it is still running."""
    from bot.handover.dropbox import handover_dir, read_waiting
    from tests.conftest import BIN
    from tests.support.waiting import wait_until

    env = {
        **cli_env,
        "DAMANCOM_URL": sandbox.url,
        "DAMANCOM_IDENTIFIER": account.identifier,
        "DAMANCOM_PASSWORD": account.password,
        "DAMANCOM_LOCAL_PAGE": "0",
    }
    process = subprocess.Popen(
        [str(BIN / "damancom-bot"), "login"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=folder,
        env=env,
        start_new_session=own_group,
        **AS_FROM_A_TERMINAL,
    )
    waiting = handover_dir(Path(cli_env["DAMANCOM_STATE_DIR"]), account.identifier)
    try:
        wait_until(lambda: sandbox.outbox.all())  # the SMS is sent
        wait_until(lambda: (read_waiting(waiting) or {}).get("phase") == "code")  # and the bot waits for it
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
