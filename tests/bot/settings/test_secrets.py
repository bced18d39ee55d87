"""The keyring side of passwords, on keyring's own backends: keyrings.alt's plain file (the autouse
`isolated_keyring` fixture) and keyring's « fail » backend, what a computer without a keyring has."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.exit_codes import ExitCode
from bot.output import redact
from bot.settings import secrets
from bot.settings.secrets import KeyringUnavailable
from tests.support.keyrings import no_keyring


def test_store_read_forget_round_trip(isolated_keyring):
    assert secrets.read("al-amal") is None
    secrets.store("al-amal", "Sésame-7731!")
    assert secrets.read("al-amal") == "Sésame-7731!"
    assert isolated_keyring.get_password(secrets.SERVICE, "al-amal") == "Sésame-7731!"  # really in the keyring
    assert secrets.read("autre") is None  # one entry per account
    assert secrets.forget("al-amal") is True
    assert secrets.read("al-amal") is None
    assert secrets.forget("al-amal") is False


def test_store_replaces_the_previous_password():
    secrets.store("al-amal", "ancien-mot")
    secrets.store("al-amal", "nouveau-mot")
    assert secrets.read("al-amal") == "nouveau-mot"


def test_a_password_read_or_stored_is_masked_in_texts():
    secrets.store("al-amal", "Zq9-secret-stocke")
    redact.forget_all()
    assert secrets.read("al-amal") == "Zq9-secret-stocke"
    assert "Zq9-secret-stocke" not in redact.scrub("mot de passe Zq9-secret-stocke refusé")


def test_empty_name_or_password_is_a_config_error():
    with pytest.raises(ConfigError):
        secrets.store("  ", "x")
    with pytest.raises(ConfigError):
        secrets.store("al-amal", "")


@pytest.mark.parametrize("action", [lambda: secrets.store("a", "Zq9-jamais-range"), lambda: secrets.read("a"),
                                    lambda: secrets.forget("a")])
def test_without_keyring_a_french_error_points_to_the_alternatives(action):
    with no_keyring(), pytest.raises(KeyringUnavailable) as caught:
        action()
    error = caught.value
    assert "Zq9-jamais-range" not in error.message
    assert isinstance(error, ConfigError) and error.exit_code == ExitCode.BAD_INPUT
    assert "trousseau" in error.message
    assert "password" in error.message and "DAMANCOM_PASSWORD" in error.message
