"""Account passwords in the system's keyring (Windows Credential Manager, macOS Keychain, Secret
Service, KWallet) through the `keyring` library. The bot never writes a password to disk itself, and
accepts no other backend: keyrings.alt's « plaintext » file (installed beside the tests) would put
the password in a base64 file while every message says it is in the system's keyring.

The test suite opts in to a backend of its own (`tests/support/keyrings.py`), whose class carries
TESTS_ONLY; no backend shipped with the bot or its dependencies does.

One entry per account: service « damancom-bot », user name the account's short name (the table
name in the accounts file, or the identifier of the `.env` account)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

from bot.errors import ConfigError
from bot.output import redact

SERVICE = "damancom-bot"
MAX_PASSWORD = 256  # characters: a portal password is far shorter; 100 000 is a paste gone wrong
TESTS_ONLY = "damancom_tests_only"  # class attribute of the test suite's backend, and of no other
# keyring's module for each operating system's own keyring -> how the person knows it
_SYSTEM = {
    "keyring.backends.Windows": "le Gestionnaire d'identification de Windows",
    "keyring.backends.macOS": "le trousseau de macOS",
    "keyring.backends.SecretService": "le trousseau de la session (Secret Service)",
    "keyring.backends.libsecret": "le trousseau de la session (Secret Service)",
    "keyring.backends.kwallet": "le portefeuille KDE (KWallet)",
}
# Each platform's own keyrings, as keyring names them (anywhere else: the freedesktop ones)
_SYSTEM_BACKENDS = {
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
    "darwin": ("keyring.backends.macOS.Keyring",),
}
_FREEDESKTOP = (
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
)
# What a backend cannot do without, checked before importing it (SecretService's jeepney finds the
# session bus through this variable only; importing it loads the cryptography library for nothing)
_NEEDS = {"keyring.backends.SecretService.Keyring": "DBUS_SESSION_BUS_ADDRESS"}


class KeyringUnavailable(ConfigError):
    """No keyring backend on this computer (a server without a desktop session, a bare container)."""

    def __init__(self, detail: str = ""):
        why = f" ({detail})" if detail else ""
        super().__init__(
            f"Aucun trousseau système n'est disponible sur cet ordinateur{why}. Autres possibilités : la clé "
            "« password » du compte dans le fichier des comptes (lisible par vous seul), ou "
            "DAMANCOM_PASSWORD dans le fichier .env (un seul compte)."
        )


def _keyring():
    """The operating system's keyring, or KeyringUnavailable. Imported here: `--help` stays instant."""
    if not _may_answer():
        raise KeyringUnavailable()
    from keyring.backends import fail

    try:
        backend = _configured()
    except Exception:  # noqa: BLE001 - PYTHON_KEYRING_BACKEND naming a backend that cannot be loaded
        raise KeyringUnavailable("le trousseau que demande PYTHON_KEYRING_BACKEND est introuvable") from None
    backend = backend or _system_backend(_SYSTEM_BACKENDS.get(sys.platform, _FREEDESKTOP))
    if backend is None or isinstance(backend, fail.Keyring):
        raise KeyringUnavailable()
    chosen = next((b for b in getattr(backend, "backends", [backend]) if _is_system(b)), None)  # a chain: its best
    if chosen is None:
        raise KeyringUnavailable(
            f"le seul trouvé, {type(backend).__module__}.{type(backend).__name__}, n'est pas "
            "celui du système : il rangerait le mot de passe dans un fichier, ou nulle part"
        )
    return chosen


def _may_answer() -> bool:
    """False when no keyring can answer on this computer, known without importing `keyring`, whose
    import alone reads every installed package's metadata (0.2-0.5 s of each bot start on a Linux
    computer without a desktop session). Windows and macOS always have theirs."""
    if "keyring" in sys.modules or sys.platform in _SYSTEM_BACKENDS or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    if _keyring_config_file().exists():
        return True
    return "DBUS_SESSION_BUS_ADDRESS" in os.environ or any(importlib.util.find_spec(m) for m in ("gi", "dbus"))


def _keyring_config_file() -> Path:
    """keyring's own configuration file outside Windows and macOS (`keyring.util.platform_`)."""
    root = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(root) / "python_keyring" / "keyringrc.cfg"


def _configured():
    """The backend keyring was told to use, as keyring itself reads it: set in this process
    (`keyring.set_keyring`), PYTHON_KEYRING_BACKEND, keyring's own configuration file; else None."""
    from keyring import core

    return getattr(core, "_keyring_backend", None) or core.load_env() or core.load_config()


def _system_backend(names: tuple[str, ...]):
    """The best of this platform's own keyrings that can be reached, or None. Asked directly, not
    through keyring's discovery, which scans every installed package's entry points and imports every
    backend (seconds on a busy computer); the bot accepts no other backend anyway."""
    import keyring

    viable = []
    for name in names:
        needed = _NEEDS.get(name)
        if needed and needed not in os.environ:
            continue
        module, _, class_name = name.rpartition(".")
        try:
            backend_class = getattr(importlib.import_module(module), class_name)
            viable.append((backend_class.priority, backend_class))  # priority raises when unreachable
        except Exception:  # noqa: BLE001 - missing library, no D-Bus session, another platform's keyring
            continue
    if not viable:
        return None
    backend = max(viable, key=lambda pair: pair[0])[1]()
    keyring.set_keyring(backend)  # the next question in this process skips the search
    return backend


def _is_system(backend) -> bool:
    return type(backend).__module__ in _SYSTEM or bool(getattr(type(backend), TESTS_ONLY, False))


def where() -> str:
    """Which keyring holds the passwords, as the person knows it (« le Gestionnaire d'identification de Windows »)."""
    backend = _keyring()
    return _SYSTEM.get(type(backend).__module__, "le trousseau des tests")


def _call(action):
    if not _may_answer():
        raise KeyringUnavailable()
    from keyring.errors import KeyringError

    try:
        return action(_keyring())
    except KeyringUnavailable:
        raise
    except KeyringError as exc:  # a backend that exists but cannot be reached (locked, no D-Bus session)
        raise KeyringUnavailable(type(exc).__name__) from None


def _checked(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ConfigError("Nom de compte vide : indiquez le nom du compte (celui du fichier des comptes).")
    if not name.isprintable() or len(name) > 128 or any(0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        raise ConfigError(
            "Nom de compte illisible (caractères invisibles ou non valides, ou trop long) : indiquez "
            "le nom du compte tel qu'il est écrit dans le fichier des comptes, ou l'identifiant."
        )
    return name


def store(name: str, password: str) -> None:
    """Keep `password` for account `name` in the keyring (replacing any previous one)."""
    name = _checked(name)
    redact.register(password)
    if not password:
        raise ConfigError("Mot de passe vide : rien n'a été enregistré dans le trousseau.")
    if len(password) > MAX_PASSWORD:
        raise ConfigError(
            f"Mot de passe de {len(password)} caractères : au plus {MAX_PASSWORD}, rien n'a été "
            "enregistré. Recopiez seulement le mot de passe Damancom."
        )
    if not password.isprintable() or not password.strip():
        raise ConfigError(
            "Le mot de passe contient des caractères invisibles (octets nuls, retours, tabulations) "
            "ou n'est fait que d'espaces : rien n'a été enregistré. Retapez-le."
        )
    _call(lambda backend: backend.set_password(SERVICE, name, password))


def read(name: str) -> str | None:
    """The account's password from the keyring, None when it holds none."""
    name = _checked(name)
    password = _call(lambda backend: backend.get_password(SERVICE, name))
    if password:
        redact.register(password)  # masked from here on, in every text the bot writes
    return password or None


def forget(name: str) -> bool:
    """Remove the account's password; False when the keyring held none."""
    from keyring.errors import PasswordDeleteError

    name = _checked(name)

    def delete(backend) -> bool:
        if backend.get_password(SERVICE, name) is None:
            return False
        try:
            backend.delete_password(SERVICE, name)
        except PasswordDeleteError:
            return False
        return True

    return _call(delete)
