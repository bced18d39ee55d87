"""The keyring side of passwords, on keyring's own backends: keyrings.alt's plain file opted in as the
tests' own (the autouse `isolated_keyring` fixture), keyring's « fail » backend, what a computer
without a keyring has, and the backends the bot refuses (a plain file, nowhere)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys

import keyring
import pytest
from keyring.backends.Windows import WinVaultKeyring

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


@pytest.mark.parametrize(
    "action", [lambda: secrets.store("a", "Zq9-jamais-range"), lambda: secrets.read("a"), lambda: secrets.forget("a")]
)
def test_without_keyring_a_french_error_points_to_the_alternatives(action):
    with no_keyring(), pytest.raises(KeyringUnavailable) as caught:
        action()
    error = caught.value
    assert "Zq9-jamais-range" not in error.message
    assert isinstance(error, ConfigError) and error.exit_code == ExitCode.BAD_INPUT
    assert "trousseau" in error.message
    assert "password" in error.message and "DAMANCOM_PASSWORD" in error.message


@contextlib.contextmanager
def backend(chosen):
    before = keyring.get_keyring()
    keyring.set_keyring(chosen)
    try:
        yield chosen
    finally:
        keyring.set_keyring(before)


@pytest.mark.parametrize("kind", ["plaintext", "null"])
def test_a_keyring_that_is_not_the_systems_is_refused_and_said_so(tmp_path, kind):
    """keyrings.alt's plain file (what `uv run` installs beside the tests) is no system keyring."""
    from keyring.backends.null import Keyring as NullKeyring
    from keyrings.alt.file import PlaintextKeyring

    chosen = PlaintextKeyring() if kind == "plaintext" else NullKeyring()
    if kind == "plaintext":
        chosen.file_path = str(tmp_path / "keyring_pass.cfg")
    with backend(chosen), pytest.raises(KeyringUnavailable) as caught:
        secrets.store("al-amal", "Zq9-jamais-en-clair")
    assert "Aucun trousseau système" in caught.value.message and "n'est pas celui du système" in caught.value.message
    assert not (tmp_path / "keyring_pass.cfg").exists()


def test_the_message_names_the_keyring_that_holds_the_password():
    assert secrets.where() == "le trousseau des tests"  # the suite's own, opted in explicitly
    with backend(WinVaultKeyring.__new__(WinVaultKeyring)):
        assert secrets.where() == "le Gestionnaire d'identification de Windows"


@pytest.mark.parametrize("password", ["\x00" * 12, "x" * 100_000, "Pass\nword-1", "        "])
def test_a_password_no_one_types_is_refused(password):
    with pytest.raises(ConfigError) as caught:
        secrets.store("al-amal", password)
    assert caught.value.exit_code == ExitCode.BAD_INPUT and "rien n'a été enregistré" in caught.value.message
    assert secrets.read("al-amal") is None


def test_a_name_that_is_not_text_is_refused():
    with pytest.raises(ConfigError) as caught:
        secrets.store("\udcff\udcfe\udc80", "Zq9-mot-de-passe")
    assert "Nom de compte illisible" in caught.value.message


def test_a_keyring_backend_that_cannot_be_loaded_is_exit_2(run_cli, tmp_path):
    result = run_cli(
        "secret",
        "set",
        "al-amal",
        input="Zq9-mot-de-passe\n",
        process=True,
        env={"PYTHON_KEYRING_BACKEND": "no.such.Backend"},
    )
    assert result.returncode == 2 and "PYTHON_KEYRING_BACKEND" in result.stderr, result.stderr
    plain = run_cli(
        "secret",
        "set",
        "al-amal",
        input="Zq9-mot-de-passe\n",
        process=True,
        env={"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"},
    )
    assert plain.returncode == 2 and "n'est pas celui du système" in plain.stderr, plain.stderr
    assert "Traceback" not in result.stderr + plain.stderr
    assert not list((tmp_path / "xdg").rglob("*.cfg"))  # no password file written


@pytest.mark.parametrize("typed", ["\x00" * 12, "x" * 100_000], ids=["nul", "100000"])
def test_secret_set_refuses_a_password_no_one_types(run_cli, typed):
    result = run_cli("secret", "set", "al-amal", input=typed + "\n")
    assert result.returncode == 2 and "rien n'a été enregistré" in result.stderr, result.stderr
    assert secrets.read("al-amal") is None


_ASK_SYSTEM = """
import sys
from bot.settings import secrets
try:
    print(secrets.where())
except secrets.KeyringUnavailable as exc:
    print(exc.message)
try:
    secrets.read("pharmacie")  # what every run asks first
except secrets.KeyringUnavailable:
    pass
print(" ".join(sorted(m for m in sys.modules if m.startswith(("keyring", "secretstorage")))))
"""


def test_the_systems_keyring_is_asked_without_loading_every_installed_backend(tmp_path):
    """keyring's own discovery scans every package's entry points and imports every backend (the
    tests' keyrings.alt included, macOS's on any computer): seconds before each run on a busy PC.
    The bot asks its platform's own keyrings directly; here (no D-Bus session) there is none."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")}
    env["XDG_CONFIG_HOME"] = str(tmp_path)  # no keyringrc.cfg naming a backend
    done = subprocess.run(
        [sys.executable, "-c", _ASK_SYSTEM], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    said, _, modules = done.stdout.rstrip("\n").partition("\n")  # the modules' line may be empty
    loaded = modules.split()
    assert not [m for m in loaded if m.startswith("keyrings.")], loaded  # no plugin was loaded
    if sys.platform.startswith("linux"):
        assert "Aucun trousseau système" in said
        assert "keyring.backends.macOS" not in loaded and "keyring.backends.Windows" not in loaded
        assert "secretstorage" not in loaded  # nor the Secret Service's library, with no session bus to reach
        if not any(importlib.util.find_spec(m) for m in ("gi", "dbus")):  # nothing could reach a keyring
            assert loaded == [], loaded  # keyring itself not imported: its import reads every package's metadata


def test_a_keyring_named_in_keyrings_own_config_file_is_still_asked(tmp_path, monkeypatch):
    """Without a session bus, keyring is still asked when its configuration file names a backend."""
    monkeypatch.delitem(sys.modules, "keyring", raising=False)  # as in a process that never imported it
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert secrets._may_answer() is False
    (tmp_path / "python_keyring").mkdir()
    (tmp_path / "python_keyring" / "keyringrc.cfg").write_text("[backend]\ndefault-keyring=x.Y\n", encoding="utf-8")
    assert secrets._may_answer() is True
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
    (tmp_path / "python_keyring" / "keyringrc.cfg").unlink()
    assert secrets._may_answer() is True


def test_the_best_reachable_keyring_of_the_platform_is_chosen():
    from tests.support.keyrings import TestsOnlyKeyring

    elsewhere = (
        "keyring.backends.Windows.WinVaultKeyring" if sys.platform != "win32" else "keyring.backends.macOS.Keyring"
    )
    chosen = secrets._system_backend((elsewhere, "no.such.Backend", "tests.support.keyrings.TestsOnlyKeyring"))
    assert isinstance(chosen, TestsOnlyKeyring) and keyring.get_keyring() is chosen  # kept for the next question
    assert secrets._system_backend((elsewhere, "no.such.Backend")) is None
