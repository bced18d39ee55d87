"""Lockout guard: consecutive rejected logins per account, kept in the state dir.

The portal blocks an account after a few failures; rather than find out, the bot stops itself
at a lower count and waits for a person to check the account and run `damancom-bot unlock`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import ConfigError, CredentialsRejected
from bot.system import state_paths
from bot.system.files import read_json_object, write_atomic

FILE = state_paths.LOCKOUT


class AccountLocked(CredentialsRejected):
    pass


def portal_key(settings) -> str:
    """Who the portal counts failures and SMS for: the identifier on that portal, not the alias
    (DAMANCOM_ACCOUNT) a person gave it. Two aliases of one identifier share one lock and one count."""
    parts = urlsplit(settings.url)
    origin = f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{f':{parts.port}' if parts.port else ''}"
    return f"{settings.identifier or settings.account}@{origin}"


class LockoutGuard:
    def __init__(self, state_dir: Path, limit: int = 2):
        self.path = Path(state_dir) / FILE
        self.limit = limit

    def _read(self) -> dict[str, int]:
        try:
            return {str(k): int(v) for k, v in read_json_object(self.path).items()}
        except (OSError, ValueError, TypeError):
            # An unreadable count must not silently unlock an account: stop and say so.
            raise ConfigError(
                f"Le fichier d'état {self.path} est illisible (endommagé). Par prudence le bot ne se connecte pas : "
                "vérifiez le compte, puis lancez « damancom-bot unlock » pour remettre ce fichier à zéro."
            ) from None

    def count(self, account: str) -> int:
        return self._read().get(account, 0)

    def check(self, account: str, shown: str | None = None) -> None:
        """`account` is the key (see `portal_key`); `shown` the name the person knows it by."""
        failures = self.count(account)
        account = shown or account
        if failures >= self.limit:
            raise AccountLocked(
                f"Connexions suspendues pour le compte {account} : {failures} refus consécutifs du portail. "
                "Pour éviter le blocage du compte par la CNSS, vérifiez l'identifiant et le mot de passe "
                f"(par exemple en vous connectant vous-même), puis lancez « damancom-bot unlock --account {account} »."
            )

    def locked(self, account: str) -> bool:
        """Checked before a run announces an SMS: a suspended account gets none."""
        return self.count(account) >= self.limit

    def suspended(self, exc: CredentialsRejected, count: int, shown: str) -> str:
        """The refusal's message once it suspends the account: one thing to do, never « relancez »."""
        what = getattr(exc, "what", None) or exc.message
        return (
            f"{what} C'est le {count}e refus consécutif : le bot ne se connectera plus à ce compte avant "
            f"« damancom-bot unlock --account {shown} ». Vérifiez d'abord le compte sur le portail (en vous "
            "connectant vous-même), pour éviter son blocage par la CNSS."
        )

    def rejected(self, account: str) -> int:
        data = self._read()
        data[account] = data.get(account, 0) + 1
        write_atomic(self.path, data)
        return data[account]

    def succeeded(self, account: str) -> None:
        data = self._read()
        if data.pop(account, None) is not None:
            write_atomic(self.path, data)

    def unlock(self, account: str) -> int:
        """Clears the account's count; an unreadable file is started afresh (after a person checked)."""
        try:
            data = self._read()
        except ConfigError:
            data = {account: self.limit}
        before = data.pop(account, 0)
        write_atomic(self.path, data)
        return before
