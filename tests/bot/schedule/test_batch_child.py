"""`damancom-bot schedule` for two accounts due together, for real: one child (one Playwright driver,
one browser) tries both, each account's outcome in its own ledger rows; killed with its child after
both SMS went out, each attempt is recovered on its own evidence, and no SMS is sent again."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

import psutil
import pytest

from bot.ledger import ledger as L
from bot.run.filing_task import inbox
from bot.sandbox import Portal, Sandbox
from bot.schedule import heartbeat
from bot.system import clock
from bot.system.processes import kill_tree
from tests.conftest import BIN
from tests.support.accounts import sandbox_accounts, write_accounts_file
from tests.support.declaration_files import make_file
from tests.support.group import GroupPhone
from tests.support.terminal import AS_FROM_A_TERMINAL
from tests.support.waiting import wait_until

NAMES = ("un", "deux")
PERIOD = clock.previous_period(clock.now())


def schedule_env(tmp_path, cli_env, url, accounts) -> dict:
    rows = [(name, a.identifier, a.password) for name, a in zip(NAMES, accounts)]
    path = write_accounts_file(tmp_path / "comptes.toml", url, rows)
    return {
        **cli_env,
        "DAMANCOM_ACCOUNTS": str(path),
        "DAMANCOM_LOCAL_PAGE": "0",
        "DAMANCOM_CODE_WAIT": "240",
        "DAMANCOM_WINDOWS": "00:00-24:00",  # due at once, whatever the hour the test runs
        "DAMANCOM_FIRST_ATTEMPT": "1 00:00",
        "DAMANCOM_DEADLINE_OVERRIDES": f"{PERIOD}=2099-12-31",
    }


class Scheduler:
    """`damancom-bot schedule` in its own process group, and every bot child it starts (sampled)."""

    def __init__(self, tmp_path, env, name: str):
        self.log = tmp_path / f"{name}.log"
        self.process = subprocess.Popen(
            [str(BIN / "damancom-bot"), "schedule"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=open(self.log, "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **AS_FROM_A_TERMINAL,
        )
        self.children: dict[int, list[str]] = {}
        self.stop = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        while not self.stop.wait(0.05):
            try:
                found = psutil.Process(self.process.pid).children()
            except psutil.Error:
                continue
            for child in found:
                try:
                    command = child.cmdline()
                except psutil.Error:
                    continue
                if "bot" in command and ("login" in command or "declare" in command):
                    self.children.setdefault(child.pid, command)

    def end(self, hard: bool = False) -> None:
        self.stop.set()
        if self.process.poll() is None:
            if hard:  # the machine goes off: scheduler and its child die together
                os.killpg(self.process.pid, signal.SIGKILL)
            else:  # Ctrl-C in its terminal: the scheduler and any child it runs get it
                os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        finally:
            kill_tree(self.process.pid) if self.process.poll() is None else None


def ended(ledger: L.Ledger, names) -> bool:
    attempts = [a for name in names for a in ledger.attempts(name, PERIOD)]
    return len(attempts) == len(names) and all(a.ended is not None for a in attempts)


@pytest.mark.browser
def test_two_accounts_due_in_one_tick_are_tried_by_one_child(tmp_path, cli_env):
    portal = Portal(sandbox_accounts(2))
    accounts = list(portal.accounts.values())
    folder = inbox(tmp_path / "state", "un", PERIOD)
    folder.mkdir(parents=True)
    make_file(folder, accounts[0], PERIOD)  # « un » has its file waiting, « deux » only has its space read
    state = tmp_path / "state"
    with Sandbox(portal, sms_delay=0) as sandbox:
        env = schedule_env(tmp_path, cli_env, sandbox.url, accounts)
        phones = [GroupPhone(sandbox, state, name, a.identifier) for name, a in zip(NAMES, accounts)]
        with phones[0], phones[1]:
            scheduler = Scheduler(tmp_path, env, "planificateur")
            try:
                wait_until(lambda: ended(L.Ledger(state), NAMES), timeout=500)
            finally:
                scheduler.end()
        sms = sandbox.outbox.all()
    log = scheduler.log.read_text(encoding="utf-8")
    (command,) = scheduler.children.values()  # one child for both accounts: one driver, one browser
    assert command[command.index("--account") + 1] == "un,deux" and "--all" in command, log
    assert sorted(s.identifier for s in sms) == sorted(a.identifier for a in accounts)  # one SMS each
    ledger = L.Ledger(state)
    un, deux = (ledger.attempts(name, PERIOD)[0] for name in NAMES)
    assert un.exit_code == 0 and "/un/" in un.audit_folder, (un.message, log)
    assert ledger.period("un", PERIOD).state == L.DONE
    assert ledger.period("un", PERIOD).receipt == accounts[0].receipts[PERIOD].reference
    assert deux.exit_code == 0 and "/deux/" in deux.audit_folder, (deux.message, log)
    assert ledger.period("deux", PERIOD).state == L.PENDING  # « À déclarer », no file: its own next try
    assert portal.uploads == [(accounts[0].identifier, PERIOD)]


@pytest.mark.browser
def test_a_kill_of_the_tick_and_its_child_leaves_each_attempt_recoverable(tmp_path, cli_env):
    portal = Portal(sandbox_accounts(2))
    accounts = list(portal.accounts.values())
    state = tmp_path / "state"
    with Sandbox(portal, sms_delay=0) as sandbox:
        env = schedule_env(tmp_path, cli_env, sandbox.url, accounts)
        phones = [GroupPhone(sandbox, state, n, a.identifier, codes=False) for n, a in zip(NAMES, accounts)]
        with phones[0], phones[1]:  # « ready » answered, no code given: both runs wait in their code step
            first = Scheduler(tmp_path, env, "avant")
            try:
                wait_until(lambda: len(sandbox.outbox.all()) == 2, timeout=400)
            finally:
                first.end(hard=True)
        assert len(first.children) == 1, first.log.read_text(encoding="utf-8")
        opened = L.Ledger(state).open_attempts()  # each run wrote its mark before sending its identifier
        assert sorted(a.account for a in opened) == sorted(NAMES) and {a.stage for a in opened} == {L.SMS_POSSIBLE}

        second = Scheduler(tmp_path, env, "apres")
        try:
            wait_until(lambda: "Planificateur démarré" in second.log.read_text(encoding="utf-8"))
            wait_until(lambda: (heartbeat.read(state) or {}).get("last_tick") is not None)
        finally:
            second.end()
        sms = sandbox.outbox.all()
    assert len(sms) == 2 and second.children == {}  # nothing tried again minutes after an SMS
    log = Path(second.log).read_text(encoding="utf-8")
    ledger = L.Ledger(state)
    for name in NAMES:
        row = ledger.period(name, PERIOD)
        assert row.state == L.PENDING and row.next_reason == "interrupted_after_sms", name
        assert [a.outcome for a in ledger.attempts(name, PERIOD)] == ["interrupted_after_sms"], name
        assert f"Essai interrompu pour {name} / {PERIOD} après l'envoi du SMS" in log
