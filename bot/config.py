"""Settings from the environment and `.env`. Every bad value names its variable (exit 2)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from bot import redact
from bot.errors import ConfigError
from bot.notify import parse_urls

DEFAULT_URL = "https://www.damancom.ma/fr/"
_TRUE = {"1", "true", "oui", "yes", "on", "vrai"}
_FALSE = {"0", "false", "non", "no", "off", "faux"}


@dataclass(frozen=True)
class Settings:
    url: str = DEFAULT_URL
    identifier: str = ""
    password: str = ""
    headless: bool = True
    browser: str | None = None
    recordings: Path = Path("recordings")
    state_dir: Path = Path("state")
    action_timeout: float = 30.0  # seconds
    navigation_timeout: float = 60.0
    code_wait: float = 300.0
    ready_wait: float = 900.0
    selectors_dir: Path | None = None
    account: str = ""  # how `otp`/`ready`/`unlock` name this account; the identifier by default
    auth: str = "otp"  # or "eid"
    notify: tuple[str, ...] = ()
    local_page: bool = True
    lockout_after: int = 2
    retention_months: int = 24
    retries: int = 3  # attempts to reach the portal before the SMS step
    retry_backoff: float = 5.0
    run_budget: float = 1200.0  # the whole run, code wait included
    declare_wait: float = 1800.0  # headed runs: how long the person may take to file by hand
    trace: bool = False  # Playwright trace, after login only

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def __repr__(self) -> str:  # never show the password, even in a debugger or a traceback
        return f"Settings(url={self.url!r}, identifier={self.identifier!r}, password=***)"


def read_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment over the `.env` file (DAMANCOM_ENV_FILE, default ./.env)."""
    from bot import envfile

    environ = dict(os.environ if environ is None else environ)
    redact.register(environ.get("DAMANCOM_PASSWORD"))  # before anything can fail and print it
    named = (environ.get("DAMANCOM_ENV_FILE") or "").strip()
    env_file = Path(named or ".env")
    try:
        present = env_file.exists()
    except (OSError, ValueError):
        raise ConfigError(f"DAMANCOM_ENV_FILE ne désigne pas un chemin utilisable (« {named[:200]} »). "
                          "Corrigez le chemin.") from None
    if named and not present:
        raise ConfigError(f"DAMANCOM_ENV_FILE désigne « {env_file} », qui n'existe pas. Corrigez le chemin.")
    merged = envfile.values(env_file) if present else {}
    redact.register(merged.get("DAMANCOM_PASSWORD"))
    merged.update(environ)
    return merged


def load_settings(environ: Mapping[str, str], *, need_credentials: bool, need_password: bool = True) -> Settings:
    """`need_password=False` when the person may type it in a visible browser window."""
    get = lambda name: (environ.get(name) or "").strip()  # noqa: E731
    url = get("DAMANCOM_URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"DAMANCOM_URL n'est pas une adresse web valide (« {url} »). Exemple : {DEFAULT_URL}")

    identifier = get("DAMANCOM_IDENTIFIER")
    password = environ.get("DAMANCOM_PASSWORD") or ""
    redact.register(password)
    auth = (get("DAMANCOM_AUTH") or "otp").lower()
    if auth not in ("otp", "eid"):
        raise ConfigError(f"DAMANCOM_AUTH vaut « {auth} » : attendu otp (code SMS) ou eid (Identité Numérique).")
    if need_credentials and auth == "otp":
        if not identifier:
            raise ConfigError("DAMANCOM_IDENTIFIER est vide. Indiquez votre identifiant Damancom dans le fichier .env.")
        if not password and need_password:
            raise ConfigError("DAMANCOM_PASSWORD est vide. Indiquez votre mot de passe Damancom dans le fichier .env.")
    if any(ch.isspace() for ch in identifier):
        raise ConfigError("DAMANCOM_IDENTIFIER contient des espaces. Recopiez l'identifiant sans espace.")

    browser = get("DAMANCOM_BROWSER") or None
    if browser:
        from bot.browser import from_override

        from_override(browser)
    return Settings(
        url=url,
        identifier=identifier,
        password=password,
        headless=_bool(environ, "DAMANCOM_HEADLESS", True),
        browser=browser,
        recordings=Path(get("DAMANCOM_RECORDINGS") or "recordings"),
        state_dir=state_dir(environ),
        action_timeout=_seconds(environ, "DAMANCOM_TIMEOUT_ACTION", 30.0),
        navigation_timeout=_seconds(environ, "DAMANCOM_TIMEOUT_NAVIGATION", 60.0),
        code_wait=_seconds(environ, "DAMANCOM_CODE_WAIT", 300.0),
        ready_wait=_seconds(environ, "DAMANCOM_READY_WAIT", 900.0),
        selectors_dir=Path(get("DAMANCOM_SELECTORS")) if get("DAMANCOM_SELECTORS") else None,
        account=get("DAMANCOM_ACCOUNT") or identifier,
        auth=auth,
        notify=tuple(parse_urls(get("DAMANCOM_NOTIFY"))),
        local_page=_bool(environ, "DAMANCOM_LOCAL_PAGE", True),
        lockout_after=_count(environ, "DAMANCOM_LOCKOUT_AFTER", 2),
        retention_months=_count(environ, "DAMANCOM_RETENTION_MONTHS", 24, high=600),
        trace=_bool(environ, "DAMANCOM_TRACE", False),
        retries=_count(environ, "DAMANCOM_RETRIES", 3),
        retry_backoff=_seconds(environ, "DAMANCOM_RETRY_BACKOFF", 5.0),
        run_budget=_seconds(environ, "DAMANCOM_RUN_BUDGET", 1200.0),
        declare_wait=_seconds(environ, "DAMANCOM_DECLARE_WAIT", 1800.0),
    )


def state_dir(environ: Mapping[str, str]) -> Path:
    """DAMANCOM_STATE_DIR, else the platform's user data dir (e.g. %LOCALAPPDATA%\\damancom-bot)."""
    explicit = (environ.get("DAMANCOM_STATE_DIR") or "").strip()
    if explicit:
        return Path(explicit)
    from platformdirs import user_data_dir

    return Path(user_data_dir("damancom-bot", appauthor=False))


def usable_state_dir(environ: Mapping[str, str]) -> Path:
    """The state dir, created owner-only; a path that cannot be a folder is a setting to fix (exit 2)."""
    from bot.files import private_dir

    path = state_dir(environ)
    try:
        if path.exists() and not path.is_dir():
            raise ConfigError(f"DAMANCOM_STATE_DIR désigne « {path} », qui n'est pas un dossier. "
                              "Indiquez un dossier (il sera créé s'il n'existe pas).")
        private_dir(path)
        probe = path / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or "chemin invalide"
        raise ConfigError(f"Le dossier d'état « {path} » n'est pas utilisable ({why}). "
                          "Vérifiez ses droits ou choisissez-en un autre avec DAMANCOM_STATE_DIR.") from None
    return path


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name} vaut « {raw} » : attendu 1 ou 0 (oui/non, true/false).")


def _count(environ: Mapping[str, str], name: str, default: int, high: int = 10) -> int:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise ConfigError(f"{name} vaut « {raw} » : attendu un nombre entier entre 1 et {high}.")
    return int(raw)


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = (environ.get(name) or "").strip().replace(",", ".")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 24 * 3600:
        raise ConfigError(f"{name} vaut « {raw} » : attendu un nombre de secondes positif (par exemple 30).")
    return value
