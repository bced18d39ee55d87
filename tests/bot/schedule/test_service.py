"""`damancom-bot schedule` as a real process: one per state dir, and a hard kill mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest

from bot.handover import dropbox
from bot.ledger import ledger as L
from bot.run.runner import account_lock
from bot.schedule.plan import parse_plan
from bot.settings.config import load_settings
from bot.system import clock
from bot.system.files import write_atomic
from bot.system.processes import kill_tree
from tests.conftest import BIN
from tests.support.terminal import AS_FROM_A_TERMINAL
from tests.support.waiting import wait_until

# Both periods due at the first tick, whatever the day: on the 1st of a month before 21:00 the
# previous month's first attempt (« 1 21:00 » by default) is still ahead, and only the other runs.
DUE_NOW = {"DAMANCOM_FIRST_ATTEMPT": "1 00:00"}


_started: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_scheduler_left():
    """A test that fails midway leaves no scheduler (nor its run) behind: it would go on planning."""
    yield
    while _started:
        process = _started.pop()
        if process.poll() is None:
            kill_tree(process.pid)


def start_schedule(tmp_path, env, name: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen(
        [str(BIN / "damancom-bot"), "schedule"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        **AS_FROM_A_TERMINAL,
    )
    _started.append(process)
    return process, log


def test_a_second_scheduler_on_the_same_state_dir_refuses(tmp_path, cli_env, run_cli):
    env = {
        **cli_env,
        "DAMANCOM_IDENTIFIER": "PHARMA-1",
        "DAMANCOM_PASSWORD": "x" * 8,
        "DAMANCOM_DEADLINE": "1 00:00",
    }  # nothing due: the first one just waits
    first, log = start_schedule(tmp_path, env, "premier")
    try:
        wait_until(lambda: "Planificateur démarré" in log.read_text())
        second = subprocess.run(
            [str(BIN / "damancom-bot"), "schedule"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 2 and "Un planificateur tourne déjà" in second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        assert first.wait(timeout=30) == 130  # README: interrupted is 130
    assert "Planificateur arrêté" in log.read_text()


def test_hard_kill_mid_run_replans_and_attempts_once(tmp_path, cli_env, sandbox, demo_account):
    env = {
        **cli_env,
        "DAMANCOM_URL": sandbox.url,
        "DAMANCOM_IDENTIFIER": demo_account.identifier,
        "DAMANCOM_PASSWORD": demo_account.password,
        "DAMANCOM_LOCAL_PAGE": "0",
        "DAMANCOM_DEADLINE_OVERRIDES": "2026-10=2099-12-31,2026-11=2099-12-31",  # the period stays open
        "DAMANCOM_WINDOWS": "00:00-24:00",  # a window now, whatever the hour the test runs
        **DUE_NOW,
    }
    state = Path(env["DAMANCOM_STATE_DIR"])
    folder = dropbox.handover_dir(state, demo_account.identifier)

    first, _ = start_schedule(tmp_path, env, "avant")
    wait_until(lambda: (dropbox.read_waiting(folder) or {}).get("phase") == "ready")  # the run waits for a person
    os.killpg(first.pid, signal.SIGKILL)  # the machine goes off: scheduler and its run die together
    first.wait(timeout=30)
    ledger = L.Ledger(state)
    assert {a.stage for a in ledger.open_attempts()} == {None}  # killed before the identifier was sent
    period = ledger.periods(demo_account.identifier)[0].period
    assert ledger.period(demo_account.identifier, period).state == L.IN_PROGRESS

    second, log = start_schedule(tmp_path, env, "apres")
    try:
        wait_until(lambda: (dropbox.read_waiting(folder) or {}).get("phase") == "ready")
        write_atomic(folder / dropbox.READY_FILE, {"at": time.time()})
        code = wait_until(lambda: sandbox.outbox.all() and sandbox.outbox.all()[-1].code)
        wait_until(lambda: (dropbox.read_waiting(folder) or {}).get("phase") == "code")
        write_atomic(folder / dropbox.CODE_FILE, {"code": code, "at": time.time()})
        wait_until(
            lambda: (
                ledger.period(demo_account.identifier, period).state == L.PENDING
                and ledger.attempts(demo_account.identifier, period)[0].ended is not None
            ),
            timeout=120,
        )
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
    attempts = ledger.attempts(demo_account.identifier, period)
    assert [a.outcome for a in attempts] == ["to_declare", "interrupted"]
    assert len(sandbox.outbox.all()) == 1  # one SMS: the killed run never sent one, the new one did once
    assert "Essai interrompu pour PHARMA-DEMO" in log.read_text()


def test_install_writes_a_systemd_user_unit(tmp_path, run_cli):
    result = run_cli(
        "schedule", "--install", env={"XDG_CONFIG_HOME": str(tmp_path / "config"), "PATH": "/nonexistent"}
    )  # no systemctl: say what to do
    unit = tmp_path / "config" / "systemd" / "user" / "damancom-bot.service"
    assert result.returncode == 2, result.stderr  # not installed: a failure, with what is left to do
    assert (
        unit.exists() and "-m bot schedule" in unit.read_text() and f"WorkingDirectory={tmp_path}" in unit.read_text()
    )
    assert "systemctl --user enable --now damancom-bot" in result.stderr
    removed = run_cli(
        "schedule", "--uninstall", env={"XDG_CONFIG_HOME": str(tmp_path / "config"), "PATH": "/nonexistent"}
    )
    assert removed.returncode == 0 and not unit.exists()


def test_killed_in_the_code_step_waits_for_the_next_window(tmp_path, cli_env, sandbox, demo_account):
    """`kill -9` of the whole group after the SMS went out: no second SMS minutes later."""
    from bot.schedule import heartbeat

    env = {
        **cli_env,
        "DAMANCOM_URL": sandbox.url,
        "DAMANCOM_IDENTIFIER": demo_account.identifier,
        "DAMANCOM_PASSWORD": demo_account.password,
        "DAMANCOM_LOCAL_PAGE": "0",
        "DAMANCOM_WINDOWS": "00:00-24:00",  # due at once, whatever the hour the test runs
        "DAMANCOM_DEADLINE_OVERRIDES": "2026-10=2099-12-31,2026-11=2099-12-31",
        **DUE_NOW,
    }
    state = Path(env["DAMANCOM_STATE_DIR"])
    folder = dropbox.handover_dir(state, demo_account.identifier)

    first, _ = start_schedule(tmp_path, env, "avant")
    wait_until(lambda: (dropbox.read_waiting(folder) or {}).get("phase") == "ready")
    write_atomic(folder / dropbox.READY_FILE, {"at": time.time()})
    wait_until(lambda: sandbox.outbox.all())  # the SMS went out
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    assert len(sandbox.outbox.all()) == 1
    opened = L.Ledger(state).open_attempts()  # the run wrote it before sending the identifier
    assert opened and {a.stage for a in opened} == {L.SMS_POSSIBLE}

    second, log = start_schedule(tmp_path, env, "apres")
    try:
        wait_until(lambda: "Planificateur démarré" in log.read_text())
        wait_until(lambda: heartbeat.read(state)["last_tick"] is not None)  # its first tick has looked
        ledger = L.Ledger(state)
        row = ledger.periods(demo_account.identifier)[0]
        assert row.state == L.PENDING and row.next_reason == "interrupted_after_sms"
        assert row.next_attempt > datetime.now(clock.TZ) and parse_plan(env).in_window(row.next_attempt)
        assert [a.outcome for a in ledger.attempts(demo_account.identifier, row.period)] == ["interrupted_after_sms"]
        assert dropbox.read_waiting(folder) is None  # no new run waiting for a person
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
    assert len(sandbox.outbox.all()) == 1
    assert "après l'envoi du SMS" in log.read_text()


def test_a_login_while_the_account_is_in_use_is_busy_not_a_configuration_error(tmp_path, cli_env, run_cli):
    env = {
        **cli_env,
        "DAMANCOM_IDENTIFIER": "PHARMA-1",
        "DAMANCOM_PASSWORD": "x" * 8,
        "DAMANCOM_LOCAL_PAGE": "0",
        "DAMANCOM_URL": "http://127.0.0.1:9/fr/",
    }
    result_file = tmp_path / "resultat.json"
    with account_lock(load_settings(env, need_credentials=True)):  # a scheduled run holds the account
        result = run_cli("login", "--unattended", "--result-json", str(result_file), env=env)
    assert result.returncode == 7, result.stderr
    assert "déjà en cours" in result.stderr and json.loads(result_file.read_text())["exit_code"] == 7
