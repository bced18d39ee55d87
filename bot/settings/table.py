"""Every DAMANCOM_ variable, declared once: its name, its reader (`bot/settings/readers.py`), its
default, its bounds, and the words a pharmacist reads instead of its name (the variable itself is
shown with `--verbose`). Nothing outside `bot/settings/` names a variable: it takes the row from here
(`table.PARALLEL.get(environ)`, `table.URL.name`), and `tests/bot/settings/test_table.py` fails otherwise.

`read_all` reads them in one pass, as APScheduler 3's `_configure` does; the settings of one run
(`config.load_settings`) add the checks between variables (Telegram's token and chat, the password)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any, Callable, Mapping

from bot.settings import readers as r

Reader = Callable[["Setting", str], Any]


@dataclass(frozen=True)
class Setting:
    name: str
    read: Reader = r.text
    default: Any = None
    low: float = 1
    high: float = 10
    words: str = ""  # how the console and the dashboard name it; "" leaves the name
    page_words: str = ""  # only where the dashboard's own form sets it
    strip: bool = True  # a password keeps its spaces

    def text(self, environ: Mapping[str, str]) -> str:
        """The variable's text, "" when unset or blank (stripped unless `strip` is off)."""
        raw = environ.get(self.name) or ""
        return raw.strip() if self.strip else raw

    def get(self, environ: Mapping[str, str]) -> Any:
        """The value read, or the default when the variable is unset or blank."""
        return self.parse(self.text(environ))

    def parse(self, raw: str) -> Any:
        """A text of this variable (from the environment, a `.env`, the accounts file) as its value."""
        raw = raw.strip() if self.strip else raw
        return self.read(self, raw) if raw else self.default


_DAY = 24 * 3600
_TELEGRAM_API = "https://api.telegram.org"  # the Telegram Bot API; a local stand-in in tests

# --- the account and the portal ---
URL = Setting(
    "DAMANCOM_URL", r.portal_address, "https://www.damancom.ma/fr/", words="le réglage « adresse du portail »"
)
IDENTIFIER = Setting("DAMANCOM_IDENTIFIER", r.identifier, "", words="le réglage « identifiant »")
PASSWORD = Setting("DAMANCOM_PASSWORD", default="", words="le réglage « mot de passe »", strip=False)
ACCOUNT = Setting("DAMANCOM_ACCOUNT", default="", words="le réglage « compte »")
ACCOUNT_SOURCE = Setting("DAMANCOM_ACCOUNT_SOURCE", default="")  # set by the bot: the accounts file of this account
ACCOUNTS = Setting("DAMANCOM_ACCOUNTS", default="")
AUTH = Setting("DAMANCOM_AUTH", r.auth, "otp")
PHONE = Setting("DAMANCOM_PHONE", default="")
# set by the accounts file for an employer reached through a group login (« compte groupe »)
AFFILIATION = Setting("DAMANCOM_AFFILIATION", default="")

# --- files and folders ---
ENV_FILE = Setting("DAMANCOM_ENV_FILE", default="")
CONFIG_DIR = Setting("DAMANCOM_CONFIG_DIR", r.path)
STATE_DIR = Setting("DAMANCOM_STATE_DIR", r.path, words="le réglage « dossier d'état »")
RECORDINGS = Setting("DAMANCOM_RECORDINGS", r.path, words="le réglage « dossier des enregistrements »")
SELECTORS = Setting("DAMANCOM_SELECTORS", default="")
RETENTION_MONTHS = Setting("DAMANCOM_RETENTION_MONTHS", r.count, 24, high=600)

# --- the browser ---
BROWSER = Setting("DAMANCOM_BROWSER", r.browser)
HEADLESS = Setting("DAMANCOM_HEADLESS", r.boolean, True)
TRACE = Setting("DAMANCOM_TRACE", r.boolean, False)
TIMEOUT_ACTION = Setting("DAMANCOM_TIMEOUT_ACTION", r.seconds, 30.0, high=_DAY)
TIMEOUT_NAVIGATION = Setting("DAMANCOM_TIMEOUT_NAVIGATION", r.seconds, 60.0, high=_DAY)
PARALLEL = Setting("DAMANCOM_PARALLEL", r.count, 4, high=32)  # logins at once (--all, the scheduler)

# --- one run ---
CODE_WAIT = Setting("DAMANCOM_CODE_WAIT", r.seconds, 300.0, high=_DAY)
READY_WAIT = Setting("DAMANCOM_READY_WAIT", r.seconds, 900.0, high=_DAY)
RUN_BUDGET = Setting("DAMANCOM_RUN_BUDGET", r.seconds, 1200.0, high=_DAY)  # the whole run, code wait included
DECLARE_WAIT = Setting("DAMANCOM_DECLARE_WAIT", r.seconds, 1800.0, high=_DAY)  # headed: filing by hand
RETRIES = Setting("DAMANCOM_RETRIES", r.count, 3)  # attempts to reach the portal before the SMS step
RETRY_BACKOFF = Setting("DAMANCOM_RETRY_BACKOFF", r.seconds, 5.0, low=0.1, high=_DAY)
LOCKOUT_AFTER = Setting("DAMANCOM_LOCKOUT_AFTER", r.count, 2)
LOCAL_PAGE = Setting("DAMANCOM_LOCAL_PAGE", r.boolean, True)

# --- the person's phone and notifications ---
TELEGRAM_TOKEN = Setting("DAMANCOM_TELEGRAM_TOKEN", r.token, "", page_words="le réglage « jeton du bot Telegram »")
TELEGRAM_CHAT = Setting(
    "DAMANCOM_TELEGRAM_CHAT", r.chat_ids, (), page_words="le réglage « numéro de la discussion Telegram »"
)
TELEGRAM_SMS_CHAT = Setting("DAMANCOM_TELEGRAM_SMS_CHAT", r.chat_ids, ())  # an SMS-forwarding app's channels
TELEGRAM_API = Setting("DAMANCOM_TELEGRAM_API", r.web_address, _TELEGRAM_API)
NOTIFY = Setting("DAMANCOM_NOTIFY", r.notify_urls, ())
NOTIFY_BUDGET = Setting("DAMANCOM_NOTIFY_BUDGET", r.count, 30, high=1000)  # a month's, urgent ones aside

# --- the audit trail ---
# Unset: on for the real portal, off for this computer's sandbox (config.tsa_url); « 0 »: off.
TSA_URL = Setting("DAMANCOM_TSA_URL", r.timestamp_authority, "http://timestamp.digicert.com")
TSA_CERT = Setting("DAMANCOM_TSA_CERT", default="")

# --- the monthly plan (bot/schedule/plan.py) ---
FIRST_ATTEMPT = Setting("DAMANCOM_FIRST_ATTEMPT", r.day_time, (1, time(21, 0)))
DEADLINE = Setting("DAMANCOM_DEADLINE", r.day_time, (10, time(23, 59)))
WINDOWS = Setting("DAMANCOM_WINDOWS", r.windows, ((time(6, 0), time(7, 30)), (time(21, 0), time(23, 30))))
DEADLINE_OVERRIDES = Setting("DAMANCOM_DEADLINE_OVERRIDES", r.overrides, {})

# --- the salary file and the dashboard ---
SALARY_CAPS = Setting("DAMANCOM_SALARY_CAPS", r.salary_caps, {"2002-01": 600_000})  # centimes, from each month
APP_PORT = Setting("DAMANCOM_APP_PORT", r.port, 0, low=1024, high=65535)  # 0: one the system chooses

SETTINGS: tuple[Setting, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, Setting))
BY_NAME = {s.name: s for s in SETTINGS}


def read_all(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every variable's value by name, read in one pass; the first bad one raises (exit 2)."""
    return {s.name: s.get(environ) for s in SETTINGS}


def person_words(*, page: bool = False) -> dict[str, str]:
    """Variable name → the words a pharmacist reads (`bot/output/french.py: for_person`); the
    dashboard adds the settings of its own form."""
    found = {s.name: s.words for s in SETTINGS if s.words}
    if page:
        found.update({s.name: s.page_words for s in SETTINGS if s.page_words})
    return found


def values(**by_key: str) -> dict[str, str]:
    """Variables to write for another process or a `.env`, by their rows' keys here:
    `values(URL="…", AUTH="otp")` → {"DAMANCOM_URL": "…", "DAMANCOM_AUTH": "otp"}."""
    return {globals()[key].name: value for key, value in by_key.items()}
