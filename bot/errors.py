"""Typed errors. Each carries its exit code and one French sentence: what happened, what to do."""

from __future__ import annotations

from pathlib import Path

from bot.exit_codes import ExitCode
from bot.output.redact import scrub


class BotError(Exception):
    exit_code = ExitCode.BUG

    def __init__(self, message: str, *, screenshot: Path | None = None):
        # Messages may quote portal or Playwright text: scrub before anything can print them.
        self.message = scrub(message)
        self.screenshot = screenshot
        super().__init__(self.message)


class BadInput(BotError):
    """What the person gave is wrong (an option, a file, a value): nothing was sent (exit 2)."""

    exit_code = ExitCode.BAD_INPUT


class ConfigError(BadInput):
    """A setting (`.env`, environment, a folder) is wrong or unusable."""


class BrowserNotFound(ConfigError):
    pass


class StorageError(ConfigError):
    """The disk refused a write (full, read-only, no permission): nothing more can be recorded."""

    @classmethod
    def from_os(cls, exc: OSError, path) -> "StorageError":
        import errno

        from bot.output.system_fr import why

        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            what = "le disque est plein"
            todo = "Libérez de la place (ou choisissez un autre dossier avec DAMANCOM_RECORDINGS), puis relancez."
        else:
            what = f"écriture impossible ({why(exc)})"
            todo = "Vérifiez les droits du dossier ou choisissez-en un autre avec DAMANCOM_RECORDINGS."
        return cls(f"Enregistrement impossible dans {path} : {what}. Ce qui a déjà été enregistré est conservé. {todo}")


class InvalidCode(BadInput):
    """A code typed by a person is not 6 digits; never sent to the portal."""


class CodeNotProvided(BotError):
    exit_code = ExitCode.NO_CODE


class PersonDeclined(CodeNotProvided):
    """The person answered « pas maintenant » (`not_now`: try at the next window) or « stop » (`stop`:
    they will file by hand; no more attempts for the period)."""

    def __init__(self, message: str, *, reason: str = "not_now", screenshot: Path | None = None):
        super().__init__(message, screenshot=screenshot)
        self.reason = reason


class OutputClosed(BotError):
    """The program reading our output went away (`status | head`): stop, quietly (exit 130)."""

    exit_code = ExitCode.INTERRUPTED


class AccountBusy(BotError):
    """Another run holds the account's lock (the scheduler, a `login` typed by hand, an orphaned
    attempt). Transient, not a configuration error: wait and try again."""

    exit_code = ExitCode.BUSY


class PortalUnavailable(BotError):
    """`transient`: worth another try within the same run (connection reset, 502/503/504)."""

    exit_code = ExitCode.UNAVAILABLE

    def __init__(self, message: str, *, screenshot: Path | None = None, transient: bool = False):
        super().__init__(message, screenshot=screenshot)
        self.transient = transient


class PortalRefused(PortalUnavailable):
    """The portal (or what stands in front of it) refused to talk to us at all: a reset connection,
    a 403 before any screen. Not proof of load: it may block access from abroad."""


class UnreadRefusal(PortalRefused):
    """A refusal page (401/403…) whose words say nothing the bot can read: kept as a snapshot for
    the « rapport de portail » (`bot/audit/snapshot.py`)."""


class BrowserRefused(BotError):
    """A firewall in front of the portal refused the browser with its own page (« accès refusé »,
    « requête bloquée », a reference number). `headless`: the refused browser was headless (its
    User-Agent says so), so a visible window may get through; `reference`: the firewall's number,
    for the portal's support. Not load, not abroad: retrying the same browser changes nothing."""

    exit_code = ExitCode.BROWSER_REFUSED

    def __init__(self, message: str, *, headless: bool, reference: str = "", screenshot: Path | None = None):
        super().__init__(message, screenshot=screenshot)
        self.headless, self.reference = headless, reference


class SessionLost(PortalUnavailable):
    """The portal forgot the login session mid-way (after « Valider »)."""


class CredentialsRejected(BotError):
    """The portal refused the identifier, password or code: counted by the lockout guard."""

    exit_code = ExitCode.REJECTED


class CodeRefused(CredentialsRejected):
    """The portal refused the SMS code (a code, not the password). `what` is the refusal alone:
    when it suspends the account, the lockout guard says what to do instead of « relancez »."""

    def __init__(self, what: str, todo: str, *, screenshot: Path | None = None):
        super().__init__(f"{what} {todo}", screenshot=screenshot)
        self.what = scrub(what)


class FileRefused(BotError):
    """A declaration file refused (by the portal: exit 5, as documented). Never a refused login:
    the lockout guard does not count it."""

    exit_code = ExitCode.REJECTED


class BrowserFailed(BotError):
    """The browser itself failed (closed, crashed, « Protocol error »): the portal is not at fault."""

    exit_code = ExitCode.BROWSER_FAILED


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


class ScreenDidNotReact(BotError):
    """After an action nothing happened on screen and no request was pending: not load, a screen
    the bot does not understand (a button that does nothing, a field it filled in the wrong place)."""

    exit_code = ExitCode.SCREENS_CHANGED

    def __init__(self, message: str, *, url: str = "", title: str = "", screenshot: Path | None = None):
        super().__init__(message, screenshot=screenshot)
        self.url, self.title = url, title


class SelectorsNotFound(BotError):
    """`doctor --live`: elements of the selector files that the portal no longer shows."""

    exit_code = ExitCode.SCREENS_CHANGED
