"""Typed errors. Each carries its exit code and one French sentence: what happened, what to do."""

from __future__ import annotations

from pathlib import Path

from bot.exit_codes import ExitCode
from bot.redact import scrub


class BotError(Exception):
    exit_code = ExitCode.BUG

    def __init__(self, message: str, *, screenshot: Path | None = None):
        # Messages may quote portal or Playwright text: scrub before anything can print them.
        self.message = scrub(message)
        self.screenshot = screenshot
        super().__init__(self.message)


class ConfigError(BotError):
    exit_code = ExitCode.BAD_INPUT


class BrowserNotFound(ConfigError):
    pass


class StorageError(ConfigError):
    """The disk refused a write (full, read-only, no permission): nothing more can be recorded."""

    @classmethod
    def from_os(cls, exc: OSError, path) -> "StorageError":
        import errno

        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            what = "le disque est plein"
            todo = "Libérez de la place (ou choisissez un autre dossier avec DAMANCOM_RECORDINGS), puis relancez."
        else:
            what = f"écriture impossible ({exc.strerror})"
            todo = "Vérifiez les droits du dossier ou choisissez-en un autre avec DAMANCOM_RECORDINGS."
        return cls(f"Enregistrement impossible dans {path} : {what}. Ce qui a déjà été enregistré est conservé. {todo}")


class InvalidCode(BotError):
    """A code typed by a person is not 6 digits; never sent to the portal."""

    exit_code = ExitCode.BAD_INPUT


class CodeNotProvided(BotError):
    exit_code = ExitCode.NO_CODE


class PersonDeclined(CodeNotProvided):
    """The person answered the ready question: « Pas maintenant » (`reason` "not_now": the next window,
    not a failure) or « stop » (`reason` "stop": no more attempts this period). No SMS was sent."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


class PortalUnavailable(BotError):
    """`transient`: worth another try within the same run (connection reset, 502/503/504)."""

    exit_code = ExitCode.UNAVAILABLE

    def __init__(self, message: str, *, screenshot: Path | None = None, transient: bool = False):
        super().__init__(message, screenshot=screenshot)
        self.transient = transient


class SessionLost(PortalUnavailable):
    """The portal forgot the login session mid-way (after « Valider »)."""


class CredentialsRejected(BotError):
    exit_code = ExitCode.REJECTED


class UnexpectedPage(BotError):
    exit_code = ExitCode.SCREENS_CHANGED

    def __init__(self, expected: str, url: str, title: str, screenshot: Path | None = None, detail: str = ""):
        self.expected, self.url, self.title = expected, url, title
        text = (
            f"L'écran attendu ({expected}) n'est pas apparu : le portail affiche « {title} » ({url}). "
            "Le portail a peut-être changé ; vérifiez la capture d'écran et les sélecteurs (dossier selectors/)."
        )
        if detail:
            text += f" Détail : {detail}"
        super().__init__(text, screenshot=screenshot)


class SelectorsNotFound(BotError):
    """`doctor --live`: elements of the selector files that the portal no longer shows."""

    exit_code = ExitCode.SCREENS_CHANGED
