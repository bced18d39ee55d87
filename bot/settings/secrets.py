"""Account passwords in the system's keyring (Windows Credential Manager, macOS Keychain, Secret
Service) through the `keyring` library. The bot never writes a password to disk itself.

One entry per account: service « damancom-bot », user name the account's short name (the table
name in the accounts file, or the identifier of the `.env` account)."""

from __future__ import annotations

from bot.errors import ConfigError
from bot.output import redact

SERVICE = "damancom-bot"


class KeyringUnavailable(ConfigError):
    """No keyring backend on this computer (a server without a desktop session, a bare container)."""

    def __init__(self, detail: str = ""):
        why = f" ({detail})" if detail else ""
        super().__init__(
            f"Aucun trousseau système n'est disponible sur cet ordinateur{why}. Autres possibilités : la clé "
            "« password » du compte dans le fichier des comptes (lisible par vous seul), ou "
            "DAMANCOM_PASSWORD dans le fichier .env (un seul compte).")


def _keyring():
    """The keyring module's backend, or KeyringUnavailable. Imported here: `--help` stays instant."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable()
    return backend


def _call(action):
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
    return name


def store(name: str, password: str) -> None:
    """Keep `password` for account `name` in the keyring (replacing any previous one)."""
    name = _checked(name)
    if not password:
        raise ConfigError("Mot de passe vide : rien n'a été enregistré dans le trousseau.")
    redact.register(password)
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
