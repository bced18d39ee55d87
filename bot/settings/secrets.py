"""The Damancom password in the system keyring (Windows Credential Manager, macOS Keychain, Secret
Service on Linux) rather than in `.env`. Minimal version for the dashboard; the many-accounts work
owns this module. No text raised here ever carries the password."""

from __future__ import annotations

from bot.errors import ConfigError

SERVICE = "damancom-bot"


class KeyringUnavailable(ConfigError):
    """No usable keyring on this computer (a server without a desktop session, a locked store)."""


def _keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable("Aucun trousseau de mots de passe n'est disponible sur cet ordinateur : gardez le "
                                 "mot de passe dans le fichier .env (DAMANCOM_PASSWORD).")
    return keyring


def store(name: str, password: str) -> None:
    from bot.output import redact

    redact.register(password)
    keyring = _keyring()
    try:
        keyring.set_password(SERVICE, name, password)
    except Exception:  # noqa: BLE001 - the backend's own text is English and may quote its input
        raise KeyringUnavailable("Le trousseau de mots de passe a refusé l'enregistrement (verrouillé ?). "
                                 "Déverrouillez-le puis recommencez.") from None


def read(name: str) -> str | None:
    keyring = _keyring()
    try:
        password = keyring.get_password(SERVICE, name)
    except Exception:  # noqa: BLE001
        raise KeyringUnavailable("Le trousseau de mots de passe n'a pas pu être lu (verrouillé ?).") from None
    if password:
        from bot.output import redact

        redact.register(password)
    return password


def forget(name: str) -> None:
    keyring = _keyring()
    try:
        keyring.delete_password(SERVICE, name)
    except Exception:  # noqa: BLE001 - nothing stored under that name: nothing to forget
        pass
