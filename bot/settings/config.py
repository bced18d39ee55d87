"""Settings from the environment and `.env`. Every bad value names its variable (exit 2)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.output import redact
from bot.output.notify import parse_urls

DEFAULT_URL = "https://www.damancom.ma/fr/"
_TRUE = {"1", "true", "oui", "yes", "on", "vrai"}
_FALSE = {"0", "false", "non", "no", "off", "faux"}


@dataclass(frozen=True)
class Settings:
    url: str = DEFAULT_URL
    identifier: str = ""
    password: str = ""
    headless: bool = True
    headless_chosen: bool = False  # DAMANCOM_HEADLESS set by the person: it wins over the bot's memory
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
    telegram_token: str = ""  # two-way channel with the person's phone (bot/handover/telegram.py)
    telegram_chats: tuple[int, ...] = ()  # the only chats whose answers count
    telegram_sms_chats: tuple[int, ...] = ()  # channels an SMS-forwarding app posts to: read, never written
    telegram_api: str = "https://api.telegram.org"
    notify_budget: int = 30  # notifications per month, urgent ones aside (bot/output/notify.py)
    tsa_url: str | None = None  # RFC 3161 authority stamping each run's final line; None: no stamp
    phone: str = ""  # where the portal texts the code: accounts sharing one take turns (bot/handover/phone_turn.py)
    affiliation: str = ""  # an affiliate reached through a « compte groupe »: its number in the group's list

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def __repr__(self) -> str:  # never show the password, even in a debugger or a traceback
        return f"Settings(url={self.url!r}, identifier={self.identifier!r}, password=***, telegram_token=***)"


def reader(environ: Mapping[str, str]) -> Callable[[str], str]:
    """A variable's value, stripped; "" when unset or blank."""

    def get(name: str) -> str:
        return (environ.get(name) or "").strip()

    return get


def config_dir(environ: Mapping[str, str]) -> Path:
    """Where the person's settings live whatever the current folder: DAMANCOM_CONFIG_DIR, else the
    platform's user config folder (%LOCALAPPDATA%\\damancom-bot on Windows, ~/.config/damancom-bot)."""
    explicit = (environ.get("DAMANCOM_CONFIG_DIR") or "").strip()
    if explicit:
        return Path(explicit)
    from platformdirs import user_config_dir

    return Path(user_config_dir("damancom-bot", appauthor=False))


def env_files(environ: Mapping[str, str], cwd: Path | None = None) -> list[Path]:
    """The settings files read, weakest first: the user's config folder's `.env`, then `.env` in the
    working folder `cwd` (so `damancom-bot` works from any folder); DAMANCOM_ENV_FILE, when set, alone."""
    here = Path(cwd) if cwd is not None else Path()
    named = (environ.get("DAMANCOM_ENV_FILE") or "").strip()
    if named:
        try:
            present = (here / named).exists()
        except (OSError, ValueError):
            raise ConfigError(
                f"DAMANCOM_ENV_FILE ne désigne pas un chemin utilisable (« {named[:200]} »). Corrigez le chemin."
            ) from None
        if not present:
            raise ConfigError(f"DAMANCOM_ENV_FILE désigne « {named[:200]} », qui n'existe pas. Corrigez le chemin.")
        return [here / named]
    found = []
    for candidate in (config_dir(environ) / ".env", here / ".env"):
        try:
            if candidate.is_file() and candidate.resolve() not in [f.resolve() for f in found]:
                found.append(candidate)
        except (OSError, ValueError):
            continue  # an unusable folder is no settings file
    return found


def read_environment(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> dict[str, str]:
    """The process environment over `cwd`'s `.env` over the user's config `.env` (see `env_files`)."""
    from bot.settings import envfile

    environ = dict(os.environ if environ is None else environ)
    redact.register(environ.get("DAMANCOM_PASSWORD"))  # before anything can fail and print it
    merged: dict[str, str] = {}
    for env_file in env_files(environ, cwd):
        values = envfile.values(env_file)
        redact.register(values.get("DAMANCOM_PASSWORD"))
        merged.update(values)
    merged.update(environ)
    return merged


def load_settings(
    environ: Mapping[str, str], *, need_credentials: bool, need_password: bool = True, cwd: Path | None = None
) -> Settings:
    """`need_password=False` when the person may type it in a visible browser window; `cwd`: the
    person's working folder (`Env.cwd`), where a relative DAMANCOM_RECORDINGS is read from."""
    get = reader(environ)
    url = portal_url(environ)

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
            source = get("DAMANCOM_ACCOUNT_SOURCE")  # set for an account of the accounts file
            if source:
                name = get("DAMANCOM_ACCOUNT")
                raise ConfigError(
                    f"Aucun mot de passe pour le compte {name} ({source}). Rangez-le dans le trousseau : "
                    f"« damancom-bot secret set {name} » (ou la clé password du compte, fichier "
                    "lisible par vous seul)."
                )
            raise ConfigError("DAMANCOM_PASSWORD est vide. Indiquez votre mot de passe Damancom dans le fichier .env.")
    if any(ch.isspace() for ch in identifier):
        raise ConfigError("DAMANCOM_IDENTIFIER contient des espaces. Recopiez l'identifiant sans espace.")

    browser = get("DAMANCOM_BROWSER") or None
    if browser:
        from bot.run.browser import from_override

        from_override(browser)
    return Settings(
        url=url,
        identifier=identifier,
        password=password,
        headless=_bool(environ, "DAMANCOM_HEADLESS", True),
        headless_chosen=bool(get("DAMANCOM_HEADLESS")),
        browser=browser,
        recordings=recordings_dir(environ, cwd),
        state_dir=state_dir(environ),
        action_timeout=_seconds(environ, "DAMANCOM_TIMEOUT_ACTION", 30.0),  # at least 1 s: see _seconds
        navigation_timeout=_seconds(environ, "DAMANCOM_TIMEOUT_NAVIGATION", 60.0),
        code_wait=_seconds(environ, "DAMANCOM_CODE_WAIT", 300.0),
        ready_wait=_seconds(environ, "DAMANCOM_READY_WAIT", 900.0),
        selectors_dir=_folder(environ, "DAMANCOM_SELECTORS") or _learned(state_dir(environ)),
        account=get("DAMANCOM_ACCOUNT") or identifier,
        auth=auth,
        notify=tuple(parse_urls(get("DAMANCOM_NOTIFY"))),
        local_page=_bool(environ, "DAMANCOM_LOCAL_PAGE", True),
        lockout_after=_count(environ, "DAMANCOM_LOCKOUT_AFTER", 2),
        retention_months=_count(environ, "DAMANCOM_RETENTION_MONTHS", 24, high=600),
        trace=_bool(environ, "DAMANCOM_TRACE", False),
        retries=_count(environ, "DAMANCOM_RETRIES", 3),
        retry_backoff=_seconds(environ, "DAMANCOM_RETRY_BACKOFF", 5.0, low=0.1),
        run_budget=_seconds(environ, "DAMANCOM_RUN_BUDGET", 1200.0),
        declare_wait=_seconds(environ, "DAMANCOM_DECLARE_WAIT", 1800.0),
        notify_budget=_count(environ, "DAMANCOM_NOTIFY_BUDGET", 30, high=1000),
        **_telegram(environ),
        tsa_url=tsa_url(environ, url),
        phone=get("DAMANCOM_PHONE"),
        affiliation=get("DAMANCOM_AFFILIATION"),
    )


def learned_selectors_dir(state: Path) -> Path:
    """Where `damancom-bot learn` writes when DAMANCOM_SELECTORS is not set."""
    return Path(state) / "selecteurs-appris"


def _learned(state: Path) -> Path | None:
    folder = learned_selectors_dir(state)
    return folder if folder.is_dir() else None


DEFAULT_API = "https://api.telegram.org"  # the Telegram Bot API; DAMANCOM_TELEGRAM_API replaces it
DEFAULT_TSA = "http://timestamp.digicert.com"  # free, public, answers over plain HTTP (the answer is signed)

TELEGRAM_TOKEN_RE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")


def _telegram(environ: Mapping[str, str]) -> dict:
    """DAMANCOM_TELEGRAM_TOKEN, _CHAT (one or more chat ids), _API (base URL, for a local stand-in)."""
    get = reader(environ)
    token, chats, api = get("DAMANCOM_TELEGRAM_TOKEN"), get("DAMANCOM_TELEGRAM_CHAT"), get("DAMANCOM_TELEGRAM_API")
    redact.register(token)
    if token and not TELEGRAM_TOKEN_RE.fullmatch(token):
        raise ConfigError(
            "DAMANCOM_TELEGRAM_TOKEN n'a pas la forme d'un jeton de bot Telegram (des chiffres, « : », "
            "puis une longue suite de lettres). Recopiez celui donné par @BotFather, ou lancez "
            "« damancom-bot telegram setup »."
        )
    ids, sms = (
        _chat_ids("DAMANCOM_TELEGRAM_CHAT", chats),
        _chat_ids("DAMANCOM_TELEGRAM_SMS_CHAT", get("DAMANCOM_TELEGRAM_SMS_CHAT")),
    )
    if token and not ids:
        raise ConfigError(
            "DAMANCOM_TELEGRAM_CHAT est vide : le bot ne saurait pas à qui écrire. Lancez "
            "« damancom-bot telegram setup »."
        )
    if ids and not token:
        raise ConfigError(
            "DAMANCOM_TELEGRAM_CHAT est indiqué mais DAMANCOM_TELEGRAM_TOKEN est vide. Lancez "
            "« damancom-bot telegram setup »."
        )
    parts = urlsplit(api or DEFAULT_API)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"DAMANCOM_TELEGRAM_API n'est pas une adresse web valide (« {api} »). Laissez-le vide pour "
            f"utiliser {DEFAULT_API}."
        )
    return {
        "telegram_token": token,
        "telegram_chats": tuple(int(c) for c in ids),
        "telegram_sms_chats": tuple(int(c) for c in sms),
        "telegram_api": (api or DEFAULT_API).rstrip("/"),
    }


def _chat_ids(name: str, raw: str) -> list[str]:
    ids = [c for c in re.split(r"[\s,;]+", raw) if c]
    bad = [c for c in ids if not re.fullmatch(r"-?\d{1,20}", c)]
    if bad:
        raise ConfigError(
            f"{name} contient « {bad[0]} » : attendu des numéros de discussion séparés par des espaces "
            "(par exemple 123456789). « damancom-bot telegram setup » le trouve pour vous."
        )
    return ids


def state_dir(environ: Mapping[str, str]) -> Path:
    """DAMANCOM_STATE_DIR, else the platform's user data dir (e.g. %LOCALAPPDATA%\\damancom-bot)."""
    explicit = (environ.get("DAMANCOM_STATE_DIR") or "").strip()
    if explicit:
        return Path(explicit)
    from platformdirs import user_data_dir

    return Path(user_data_dir("damancom-bot", appauthor=False))


CHECKOUT_RECORDINGS = Path("recordings") / ".gitkeep"  # the project's own `recordings/` folder


def recordings_dir(environ: Mapping[str, str], cwd: Path | None = None) -> Path:
    """DAMANCOM_RECORDINGS; else the project's `recordings/` when the bot runs from its own folder
    (`uv run`); else `recordings` in the user's data folder — never an arbitrary current folder,
    which on Windows is often the Desktop or Documents, synced (and locked) by OneDrive. `cwd`: the
    folder the bot runs in, when it is not this process's (the dashboard's runs)."""
    here = Path(cwd) if cwd is not None else Path()
    explicit = (environ.get("DAMANCOM_RECORDINGS") or "").strip()
    if explicit:
        return here / explicit  # an absolute path stays itself
    if (here / CHECKOUT_RECORDINGS).is_file():
        return here / CHECKOUT_RECORDINGS.parent
    return state_dir(environ) / "recordings"


def _folder(environ: Mapping[str, str], name: str) -> Path | None:
    """A folder the person must have created (the bot never invents one for them)."""
    raw = (environ.get(name) or "").strip()
    if not raw:
        return None
    try:
        ok = Path(raw).is_dir()
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise ConfigError(
            f"{name} désigne « {raw[:200]} », qui n'est pas un dossier existant. "
            "Corrigez le chemin, ou videz la variable pour utiliser les sélecteurs du bot."
        )
    return Path(raw)


def usable_state_dir(environ: Mapping[str, str]) -> Path:
    """The state dir, created owner-only; a path that cannot be a folder is a setting to fix (exit 2)."""
    from bot.system.files import private_dir

    path = state_dir(environ)
    try:
        if path.exists() and not path.is_dir():
            raise ConfigError(
                f"DAMANCOM_STATE_DIR désigne « {path} », qui n'est pas un dossier. "
                "Indiquez un dossier (il sera créé s'il n'existe pas)."
            )
        private_dir(path)
        probe = path / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except (OSError, ValueError) as exc:
        from bot.output.system_fr import why as system_why

        why = system_why(exc)
        raise ConfigError(
            f"Le dossier d'état « {path} » n'est pas utilisable ({why}). "
            "Vérifiez ses droits ou choisissez-en un autre avec DAMANCOM_STATE_DIR."
        ) from None
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
    # Not str.isdigit(): « ² » passes it and int() refuses it. ASCII digits only.
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= high:
        raise ConfigError(f"{name} vaut « {raw[:40]} » : attendu un nombre entier entre 1 et {high}.")
    return int(raw)


def _seconds(environ: Mapping[str, str], name: str, default: float, low: float = 1.0) -> float:
    """A duration between `low` (a timeout of 1e-7 s is a typo, not a setting) and 24 hours."""
    raw = (environ.get(name) or "").strip().replace(",", ".")
    if not raw:
        return default
    value = float(raw) if re.fullmatch(r"[0-9]{1,6}(\.[0-9]{0,6})?|\.[0-9]{1,6}", raw) else -1.0
    if not low <= value <= 24 * 3600:
        lowest = f"{low:g}".replace(".", ",")
        raise ConfigError(
            f"{name} vaut « {raw[:40]} » : attendu un nombre de secondes entre {lowest} et 86400 (par exemple 30)."
        )
    return value


_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
_METADATA_NAMES = {"metadata", "metadata.google.internal", "metadata.goog", "instance-data"}
_warned_blank_url = False


def portal_url(environ: Mapping[str, str]) -> str:
    """DAMANCOM_URL, checked: https (http only for this computer), no credentials inside, no
    address that cannot be a portal (link-local, cloud metadata, unspecified, multicast).
    The URL itself is quoted only once its credentials are known to be absent."""
    global _warned_blank_url
    raw = environ.get("DAMANCOM_URL")
    url = (raw or "").strip()
    if not url:
        if raw is not None and not _warned_blank_url:
            from loguru import logger

            _warned_blank_url = True
            logger.warning("DAMANCOM_URL est vide : le vrai portail Damancom ({}) est utilisé.", DEFAULT_URL)
        return DEFAULT_URL
    example = f"Exemple : {DEFAULT_URL}"
    try:
        parts = urlsplit(url)
        has_credentials = "@" in parts.netloc
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ConfigError(
            f"DAMANCOM_URL n'est pas une adresse web valide (crochets, port ou caractères). {example}"
        ) from None
    if has_credentials:
        raise ConfigError(
            "DAMANCOM_URL contient un identifiant ou un mot de passe (avant « @ ») : retirez-les. "
            "Les identifiants se mettent dans DAMANCOM_IDENTIFIER et DAMANCOM_PASSWORD."
        )
    shown = url[:200]
    if parts.scheme.lower() not in ("http", "https") or not host or any(ch.isspace() for ch in url):
        raise ConfigError(f"DAMANCOM_URL n'est pas une adresse web valide (« {shown} »). {example}")
    if port == 0:
        raise ConfigError(f"DAMANCOM_URL : le port 0 n'est pas valide (« {shown} »). Ports possibles : 1 à 65535.")
    address = _ip(host)
    loopback = host.lower() in _LOOPBACK_NAMES or (address is not None and address.is_loopback)
    if parts.scheme.lower() == "http" and not loopback:
        raise ConfigError(
            f"DAMANCOM_URL doit commencer par https:// (« {shown} ») : le mot de passe ne doit "
            "jamais circuler en clair. http:// n'est accepté que pour cet ordinateur (127.0.0.1)."
        )
    if host.lower() in _METADATA_NAMES or (
        address is not None
        and not loopback
        and (
            address.is_link_local
            or address.is_unspecified
            or address.is_multicast
            or address.is_reserved
            or (address.version == 6 and address.ipv4_mapped is not None)
        )
    ):
        raise ConfigError(
            f"DAMANCOM_URL désigne une adresse qui ne peut pas être un portail (« {shown} » : "
            f"adresse locale de lien, de métadonnées ou non routable). {example}"
        )
    return url


def tsa_url(environ: Mapping[str, str], portal: str) -> str | None:
    """DAMANCOM_TSA_URL: on by default for the real portal, off for this computer's sandbox (and so
    for tests) unless set; « 0 » turns it off. The answer is signed, so plain http is acceptable."""
    raw = (environ.get("DAMANCOM_TSA_URL") or "").strip()
    if raw.lower() in _FALSE:
        return None
    if not raw:
        host = (urlsplit(portal).hostname or "").lower()
        address = _ip(host)
        local = host in _LOOPBACK_NAMES or (address is not None and address.is_loopback)
        return None if local else DEFAULT_TSA
    try:
        parts = urlsplit(raw)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        ok = False
    if not ok or "@" in raw or any(ch.isspace() for ch in raw):
        raise ConfigError(
            "DAMANCOM_TSA_URL n'est pas une adresse d'autorité d'horodatage valide "
            f"(attendu http(s)://…, sans identifiant ; 0 pour désactiver). Exemple : {DEFAULT_TSA}"
        )
    return raw


def _ip(host: str):
    import ipaddress

    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return None
