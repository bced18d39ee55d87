"""A code goes only to the run it was typed for; one identifier on one portal is one lock and one
lockout count, whatever alias (DAMANCOM_ACCOUNT) each run uses."""

from __future__ import annotations

import io
import os

import pytest

from bot.cli import main
from bot.env import Env
from bot.errors import BotError
from bot.handover import dropbox
from bot.run.lockout import AccountLocked, LockoutGuard, portal_key
from bot.run.runner import account_lock
from bot.settings.config import load_settings
from bot.system.files import write_atomic


def settings(tmp_path, alias, identifier="1234567", url="https://www.damancom.ma/fr/"):
    return load_settings(
        {
            "DAMANCOM_ACCOUNT": alias,
            "DAMANCOM_IDENTIFIER": identifier,
            "DAMANCOM_URL": url,
            "DAMANCOM_STATE_DIR": str(tmp_path),
        },
        need_credentials=False,
    )


def waiting_run(state, account):
    folder = dropbox.handover_dir(state, account)
    write_atomic(folder / dropbox.WAITING, {"run_id": "r", "pid": os.getpid(), "phase": "code", "account": account})
    return folder


def otp(argv, environ):
    env = Env(environ=environ, stdin=io.StringIO(""), stdout=io.StringIO(), stderr=io.StringIO())
    return main(["otp", *argv], env), env.stdout.getvalue() + env.stderr.getvalue()


def test_a_code_typed_for_the_configured_account_never_goes_to_another_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    other = waiting_run(state, "PHARMA-B")  # only B waits; this terminal's .env is account A
    code, text = otp(["123456"], {"DAMANCOM_STATE_DIR": str(state), "DAMANCOM_IDENTIFIER": "PHARMA-A"})
    assert code == 2 and "PHARMA-A" in text
    assert not (other / dropbox.CODE_FILE).exists()


def test_without_a_default_account_a_single_waiting_run_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "state"
    folder = waiting_run(state, "PHARMA-B")
    monkeypatch.setattr("bot.handover.client.ACK_SECONDS", 0.05)
    code, text = otp(["123456"], {"DAMANCOM_STATE_DIR": str(state)})
    assert code == 0 and "compte PHARMA-B" in text
    assert (folder / dropbox.CODE_FILE).exists()
    waiting_run(state, "PHARMA-C")
    code, text = otp(["123456"], {"DAMANCOM_STATE_DIR": str(state)})
    assert code == 2 and "PHARMA-B" in text and "PHARMA-C" in text and "--account" in text


def test_two_aliases_of_one_identifier_share_the_run_lock(tmp_path):
    with account_lock(settings(tmp_path, "pharmacie")):
        with pytest.raises(BotError):
            with account_lock(settings(tmp_path, "officine")):
                pass
        with account_lock(settings(tmp_path, "autre", identifier="7654321")):
            pass  # another identifier is another lock
        with account_lock(settings(tmp_path, "test", url="http://127.0.0.1:8000/fr/")):
            pass  # and the same identifier on another portal (the sandbox) too


def test_a_locked_out_identifier_stays_locked_under_another_alias(tmp_path):
    guard = LockoutGuard(tmp_path, limit=2)
    first, second = settings(tmp_path, "pharmacie"), settings(tmp_path, "officine")
    assert portal_key(first) == portal_key(second) != portal_key(settings(tmp_path, "x", identifier="999"))
    guard.rejected(portal_key(first))
    guard.rejected(portal_key(first))
    with pytest.raises(AccountLocked, match="officine"):
        guard.check(portal_key(second), second.account)


def test_unlock_by_alias_clears_the_identifier_count(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = settings(tmp_path, "pharmacie")
    LockoutGuard(tmp_path, 2).rejected(portal_key(first))
    env = Env(
        environ={
            "DAMANCOM_ACCOUNT": "pharmacie",
            "DAMANCOM_IDENTIFIER": "1234567",
            "DAMANCOM_STATE_DIR": str(tmp_path),
        },
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert main(["unlock"], env) == 0 and "débloqué" in env.stdout.getvalue()
    assert LockoutGuard(tmp_path, 2).count(portal_key(first)) == 0
