"""The attempts due in one scheduler tick, run by one child: one Playwright driver and one browser
for all of them (`declare|login --all --account A,B --unattended`, bot/run/fleet.py), each
account's outcome read back from the child's result file, as a « compte groupe »'s are.

Each account keeps the rest of its attempt: its Planner opens its ledger rows before the child
starts (intent written before acting) and settles them from its own outcome; the child's runs
write each account's write-ahead marks (SMS possible, code step done), so a child killed midway
leaves every attempt recoverable on its own evidence. The child runs at most the slots the fleet
gave it at once, and accounts on one phone take turns there too (phone_turn's OS lock).
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterable

from bot.schedule.attempt import Outcome, _run_child, utf8

NOTHING_SAID = "Le lot d'essais n'a rien dit de ce compte (voir le journal)."


class TickBatch:
    """Collects the attempts of one tick; once every account has asked or ended its tick, the first
    one to ask runs `launch({account: period})` and every one takes its own outcome from it."""

    def __init__(self, accounts: Iterable[str], launch: Callable[[dict[str, str]], dict[str, Outcome]]):
        self._open = set(accounts)  # the accounts this batch still waits for
        self._asked: dict[str, str] = {}
        self._outcomes: dict[str, Outcome] | None = None
        self._launched = False
        self._cond = threading.Condition()
        self._launch = launch

    def arrived(self, account: str) -> None:
        """Its tick ended: the batch waits no longer for it."""
        with self._cond:
            self._open.discard(account)
            self._cond.notify_all()

    def ask(self, account: str, period: str) -> Outcome | None:
        """The account's outcome from the tick's child; None when it asks too late (it runs alone)."""
        with self._cond:
            if account not in self._open:
                return None
            self._asked[account] = period
            self._open.discard(account)
            self._cond.notify_all()
            self._cond.wait_for(lambda: not self._open)
            leader, self._launched = not self._launched, True
        if leader:
            outcomes: dict[str, Outcome] = {}
            try:
                outcomes = self._launch(dict(self._asked))
            finally:  # whatever happened, nobody waits forever
                with self._cond:
                    self._outcomes = outcomes
                    self._cond.notify_all()
        with self._cond:
            self._cond.wait_for(lambda: self._outcomes is not None)
            return self._outcomes.get(account) or Outcome(1, None, None, NOTHING_SAID)


def waves(accounts: int, slots: int, shared_phone: bool) -> int:
    """How many run budgets the child may need: accounts on one phone may wait for each other."""
    return accounts if shared_phone else math.ceil(accounts / max(1, slots))


def run_batch_attempt(
    period: str, accounts: list[str], *, filing: bool, timeout: float | None, environ: dict
) -> dict[str, Outcome]:
    """One child for `accounts` (`declare` when a file waits for one of them: the others' spaces
    are read, as their own `login` would)."""
    verb = "declare" if filing else "login"
    command = [sys.executable, "-m", "bot", verb, "--all", "--account", ",".join(accounts), "--unattended"]
    command += ["--period", period]
    return child_outcomes(
        command, accounts, timeout, environ, "Le lot d'essais a dépassé sa durée maximale et a été arrêté."
    )


def child_outcomes(
    command: list[str], members: list[str], timeout: float | None, environ: dict, too_long: str
) -> dict[str, Outcome]:
    """Runs an `--all` child (`--result-json` added) and reads each member's outcome from it."""
    with tempfile.TemporaryDirectory(prefix="damancom-lot-") as tmp:
        result_file = Path(tmp) / "result.json"
        returncode, stderr = _run_child([*command, "--result-json", str(result_file)], utf8(environ), timeout)
        if returncode is None:
            return dict.fromkeys(members, Outcome(4, None, None, too_long))
        try:
            data = json.loads(result_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = " ".join((stderr.strip().splitlines() or ["aucun message"])[-2:])
            return dict.fromkeys(members, Outcome(returncode or 1, None, None, last))
    return {
        name: Outcome.read(one) for name, one in (data.get("members") or {}).items() if one.get("exit_code") is not None
    }
