"""A keyring backend in memory, installed for one test (the machine has no Secret Service)."""

from __future__ import annotations

import contextlib

import keyring
from keyring.backend import KeyringBackend
from jaraco.classes import properties


class MemoryKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls):  # never chosen by keyring's own discovery: only where a test installs it
        raise RuntimeError("test backend")

    def __init__(self):
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def set_password(self, service, username, password):
        self.data[(service, username)] = password

    def get_password(self, service, username):
        return self.data.get((service, username))

    def delete_password(self, service, username):
        self.data.pop((service, username), None)


@contextlib.contextmanager
def memory_keyring():
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@contextlib.contextmanager
def no_keyring():
    """A computer without any keyring (keyring's own « fail » backend)."""
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)
