"""Lockout guard: counts consecutive refusals per account and stops at the limit until unlock."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.run.lockout import AccountLocked, LockoutGuard


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


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"A": "beaucoup"}', "\x00\x00"])
def test_corrupted_state_file_is_a_clear_error_until_unlock(tmp_path, content):
    (tmp_path / "lockout.json").write_text(content)
    with pytest.raises(ConfigError, match="illisible") as caught:
        LockoutGuard(tmp_path).check("A")
    assert caught.value.exit_code == 2 and "damancom-bot unlock" in caught.value.message
    assert LockoutGuard(tmp_path).unlock("A") == 2
    LockoutGuard(tmp_path).check("A")
