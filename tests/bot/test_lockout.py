"""Lockout guard: counts consecutive refusals per account and stops at the limit until unlock."""

from __future__ import annotations

import pytest

from bot.lockout import AccountLocked, LockoutGuard


def test_refuses_at_the_limit_until_unlocked(tmp_path):
    guard = LockoutGuard(tmp_path, limit=2)
    guard.check("A")
    assert guard.rejected("A") == 1
    guard.check("A")
    guard.rejected("A")
    with pytest.raises(AccountLocked, match="damancom-bot unlock --account A") as caught:
        guard.check("A")
    assert caught.value.exit_code == 5
    guard.check("B")  # other accounts are not affected
    assert LockoutGuard(tmp_path, limit=2).count("A") == 2  # persistent
    assert guard.unlock("A") == 2
    guard.check("A")


def test_success_resets_the_count(tmp_path):
    guard = LockoutGuard(tmp_path)
    guard.rejected("A")
    guard.succeeded("A")
    assert guard.count("A") == 0


def test_unreadable_count_keeps_accounts_locked(tmp_path):
    (tmp_path / "lockout.json").write_text("{not json")
    with pytest.raises(AccountLocked):
        LockoutGuard(tmp_path).check("A")
    LockoutGuard(tmp_path).unlock("A")
    LockoutGuard(tmp_path).check("A")
