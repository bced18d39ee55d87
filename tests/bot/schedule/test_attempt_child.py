"""The scheduler's child: its French arrives intact whatever the console's code page, and a
timed-out attempt leaves no browser (nor any process it started) behind."""

from __future__ import annotations

import subprocess
import sys

from bot.schedule.attempt import run_attempt
from bot.system.processes import alive, kill_tree


def test_the_childs_french_arrives_intact_whatever_the_console_encoding(tmp_path, cli_env):
    environ = {**cli_env, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}  # a console that cannot say « é »
    outcome = run_attempt("2026-10", environ, timeout=120)  # no identifier: the child stops at once
    assert outcome.exit_code == 2
    assert "réglage « identifiant » est vide" in outcome.message, outcome.message


def test_killing_an_attempt_kills_everything_it_started(tmp_path):
    script = (
        "import subprocess, sys, time\n"
        "grandchild = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        "print(grandchild.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    grandchild = int(child.stdout.readline())  # like Chrome under Playwright's driver under the bot
    assert alive(grandchild)
    killed = kill_tree(child.pid)
    child.wait(timeout=10)
    assert set(killed) == {child.pid, grandchild}
    assert not alive(grandchild) and not alive(child.pid)
