"""The keyrings the tests choose explicitly. The bot accepts only the operating system's keyrings
(`bot/settings/secrets.py`); the suite opts in to `TestsOnlyKeyring`, a plain file in the test's
tmp_path, by the class attribute TESTS_ONLY that no shipped backend has. In process: the autouse
`isolated_keyring` fixture (conftest); in a bot process: `cli_env`'s PYTHON_KEYRING_BACKEND (the
editable install puts this folder on the path). `no_keyring`: a computer without any keyring."""

from __future__ import annotations

import contextlib

import keyring
from keyrings.alt.file import PlaintextKeyring

from bot.settings.secrets import TESTS_ONLY

BACKEND = "tests.support.keyrings.TestsOnlyKeyring"  # for PYTHON_KEYRING_BACKEND


class TestsOnlyKeyring(PlaintextKeyring):
    """keyrings.alt's plain file, marked as the tests' own: never accepted outside the suite."""


setattr(TestsOnlyKeyring, TESTS_ONLY, True)


@contextlib.contextmanager
def no_keyring():
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)
