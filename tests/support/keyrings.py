"""A computer without a keyring, for one block: keyring's own « fail » backend. Every test already
has a real keyring of its own (keyrings.alt's plain file, the autouse `isolated_keyring` fixture)."""

from __future__ import annotations

import contextlib

import keyring


@contextlib.contextmanager
def no_keyring():
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)
