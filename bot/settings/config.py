"""Settings from the environment and `.env`. Every bad value names its variable (exit 2)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.output import redact
from bot.settings import readers
from bot.settings import table as t
from bot.settings.readers import TELEGRAM_TOKEN_RE  # noqa: F401 - where the dashboard and `telegram` find it
from bot.system import state_paths

DEFAULT_URL = t.URL.default
_FALSE = readers.FALSE


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


def config_dir(environ: Mapping[str, str]) -> Path:
    """Where the person's settings live whatever the current folder: DAMANCOM_CONFIG_DIR, else the
    platform's user config folder (%LOCALAPPDATA%\\damancom-bot on Windows, ~/.config/damancom-bot)."""
    explicit = t.CONFIG_DIR.get(environ)
    if explicit:
        return explicit
    from platformdirs import user_config_dir

    return Path(user_config_dir("damancom-bot", appauthor=False))


def env_files(environ: Mapping[str, str], cwd: Path | None = None) -> list[Path]:
    """The settings files read, weakest first: the user's config folder's `.env`, then `.env` in the
    working folder `cwd` (so `damancom-bot` works from any folder); DAMANCOM_ENV_FILE, when set, alone."""
    here = Path(cwd) if cwd is not None else Path()
    named = t.ENV_FILE.get(environ)
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
    redact.register(environ.get(t.PASSWORD.name))  # before anything can fail and print it
    merged: dict[str, str] = {}
    for env_file in env_files(environ, cwd):
        values = envfile.values(env_file)
        redact.register(values.get(t.PASSWORD.name))
        merged.update(values)
    merged.update(environ)
    return merged


def load_settings(
    environ: Mapping[str, str], *, need_credentials: bool, need_password: bool = True, cwd: Path | None = None
) -> Settings:
    """`need_password=False` when the person may type it in a visible browser window; `cwd`: the
    person's working folder (`Env.cwd`), where a relative DAMANCOM_RECORDINGS is read from."""
    url = portal_url(environ)
    password = t.PASSWORD.get(environ)
    redact.register(password)
    identifier = t.IDENTIFIER.get(environ)
    auth = t.AUTH.get(environ)
    if need_credentials and auth == "otp":
        _credentials(environ, identifier, password, need_password)
    state = state_dir(environ)
    return Settings(
        url=url,
        identifier=identifier,
        password=password,
        headless=t.HEADLESS.get(environ),
        headless_chosen=bool(t.HEADLESS.text(environ)),
        browser=t.BROWSER.get(environ),
        recordings=recordings_dir(environ, cwd),
        state_dir=state,
        action_timeout=t.TIMEOUT_ACTION.get(environ),  # at least 1 s: see readers.seconds
        navigation_timeout=t.TIMEOUT_NAVIGATION.get(environ),
        code_wait=t.CODE_WAIT.get(environ),
        ready_wait=t.READY_WAIT.get(environ),
        selectors_dir=_folder(environ, t.SELECTORS) or _learned(state),
        account=t.ACCOUNT.get(environ) or identifier,
        auth=auth,
        notify=t.NOTIFY.get(environ),
        local_page=t.LOCAL_PAGE.get(environ),
        lockout_after=t.LOCKOUT_AFTER.get(environ),
        retention_months=t.RETENTION_MONTHS.get(environ),
        trace=t.TRACE.get(environ),
        retries=t.RETRIES.get(environ),
        retry_backoff=t.RETRY_BACKOFF.get(environ),
        run_budget=t.RUN_BUDGET.get(environ),
        declare_wait=t.DECLARE_WAIT.get(environ),
        notify_budget=t.NOTIFY_BUDGET.get(environ),
        **_telegram(environ),
        tsa_url=tsa_url(environ, url),
        phone=t.PHONE.get(environ),
        affiliation=t.AFFILIATION.get(environ),
    )


def _credentials(environ: Mapping[str, str], identifier: str, password: str, need_password: bool) -> None:
    """An OTP run needs the identifier, and the password unless the person types it in the window."""
    if not identifier:
        raise ConfigError(f"{t.IDENTIFIER.name} est vide. Indiquez votre identifiant Damancom dans le fichier .env.")
    if password or not need_password:
        return
    source = t.ACCOUNT_SOURCE.get(environ)  # set for an account of the accounts file
    if source:
        name = t.ACCOUNT.get(environ)
        raise ConfigError(
            f"Aucun mot de passe pour le compte {name} ({source}). Rangez-le dans le trousseau : "
            f"« damancom-bot secret set {name} » (ou la clé password du compte, fichier "
            "lisible par vous seul)."
        )
    raise ConfigError(f"{t.PASSWORD.name} est vide. Indiquez votre mot de passe Damancom dans le fichier .env.")


def learned_selectors_dir(state: Path) -> Path:
    """Where `damancom-bot learn` writes when DAMANCOM_SELECTORS is not set."""
    return Path(state) / state_paths.LEARNED_SELECTORS


def _learned(state: Path) -> Path | None:
    folder = learned_selectors_dir(state)
    return folder if folder.is_dir() else None


DEFAULT_API = t.TELEGRAM_API.default
DEFAULT_TSA = t.TSA_URL.default  # free, public, answers over plain HTTP (the answer is signed)


def _telegram(environ: Mapping[str, str]) -> dict:
    """The token, the chats (one or more chat ids) and the API's base URL (a local stand-in in tests):
    each read by its row, then checked together."""
    token, chats = t.TELEGRAM_TOKEN.get(environ), t.TELEGRAM_CHAT.get(environ)
    sms = t.TELEGRAM_SMS_CHAT.get(environ)
    if token and not chats:
        raise ConfigError(
            f"{t.TELEGRAM_CHAT.name} est vide : le bot ne saurait pas à qui écrire. Lancez "
            "« damancom-bot telegram setup »."
        )
    if chats and not token:
        raise ConfigError(
            f"{t.TELEGRAM_CHAT.name} est indiqué mais {t.TELEGRAM_TOKEN.name} est vide. Lancez "
            "« damancom-bot telegram setup »."
        )
    return {
        "telegram_token": token,
        "telegram_chats": chats,
        "telegram_sms_chats": sms,
        "telegram_api": t.TELEGRAM_API.get(environ),
    }


def _chat_ids(name: str, raw: str) -> list[str]:
    return readers.chat_texts(name, raw)


def state_dir(environ: Mapping[str, str]) -> Path:
    """DAMANCOM_STATE_DIR, else the platform's user data dir (e.g. %LOCALAPPDATA%\\damancom-bot)."""
    explicit = t.STATE_DIR.get(environ)
    if explicit:
        return explicit
    from platformdirs import user_data_dir

    return Path(user_data_dir("damancom-bot", appauthor=False))


CHECKOUT_RECORDINGS = Path("recordings") / ".gitkeep"  # the project's own `recordings/` folder


def recordings_dir(environ: Mapping[str, str], cwd: Path | None = None) -> Path:
    """DAMANCOM_RECORDINGS; else the project's `recordings/` when the bot runs from its own folder
    (`uv run`); else `recordings` in the user's data folder — never an arbitrary current folder,
    which on Windows is often the Desktop or Documents, synced (and locked) by OneDrive. `cwd`: the
    folder the bot runs in, when it is not this process's (the dashboard's runs)."""
    here = Path(cwd) if cwd is not None else Path()
    explicit = t.RECORDINGS.get(environ)
    if explicit:
        return here / explicit  # an absolute path stays itself
    if (here / CHECKOUT_RECORDINGS).is_file():
        return here / CHECKOUT_RECORDINGS.parent
    return state_dir(environ) / state_paths.RECORDINGS


def _folder(environ: Mapping[str, str], setting: t.Setting) -> Path | None:
    """A folder the person must have created (the bot never invents one for them)."""
    raw, name = setting.text(environ), setting.name
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
                f"{t.STATE_DIR.name} désigne « {path} », qui n'est pas un dossier. "
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
            f"Vérifiez ses droits ou choisissez-en un autre avec {t.STATE_DIR.name}."
        ) from None
    return path


_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
_METADATA_NAMES = {"metadata", "metadata.google.internal", "metadata.goog", "instance-data"}
_warned_blank_url = False


def portal_url(environ: Mapping[str, str]) -> str:
    """DAMANCOM_URL, checked: https (http only for this computer), no credentials inside, no
    address that cannot be a portal (link-local, cloud metadata, unspecified, multicast).
    The URL itself is quoted only once its credentials are known to be absent."""
    global _warned_blank_url
    raw = environ.get(t.URL.name)
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
    raw = t.TSA_URL.text(environ)
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
