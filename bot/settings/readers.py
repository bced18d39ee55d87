"""How a variable's text becomes a value: one reader per kind, each `reader(setting, text)` with the
text already stripped and not empty, raising a French ConfigError that names the variable (exit 2).
The table of variables (`bot/settings/table.py`) says which reader each one uses, with its bounds."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

from bot.errors import ConfigError

TRUE = {"1", "true", "oui", "yes", "on", "vrai"}
FALSE = {"0", "false", "non", "no", "off", "faux"}
TELEGRAM_TOKEN_RE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")


def text(setting, raw: str) -> str:
    return raw


def path(setting, raw: str) -> Path:
    return Path(raw)


def boolean(setting, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ConfigError(f"{setting.name} vaut « {lowered} » : attendu 1 ou 0 (oui/non, true/false).")


def count(setting, raw: str) -> int:
    # Not str.isdigit(): « ² » passes it and int() refuses it. ASCII digits only.
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= setting.high:
        raise ConfigError(f"{setting.name} vaut « {raw[:40]} » : attendu un nombre entier entre 1 et {setting.high}.")
    return int(raw)


def seconds(setting, raw: str) -> float:
    """A duration between the setting's `low` (a timeout of 1e-7 s is a typo, not a setting) and 24 hours."""
    raw = raw.replace(",", ".")
    value = float(raw) if re.fullmatch(r"[0-9]{1,6}(\.[0-9]{0,6})?|\.[0-9]{1,6}", raw) else -1.0
    if not setting.low <= value <= setting.high:
        lowest = f"{setting.low:g}".replace(".", ",")
        raise ConfigError(
            f"{setting.name} vaut « {raw[:40]} » : attendu un nombre de secondes entre {lowest} et "
            f"{setting.high:g} (par exemple 30)."
        )
    return value


def port(setting, raw: str) -> int:
    if not (raw.isascii() and raw.isdecimal() and setting.low <= int(raw) <= setting.high):
        raise ConfigError(
            f"{setting.name} vaut « {raw[:20]} » : attendu un numéro de port entre {setting.low:g} et {setting.high:g}."
        )
    return int(raw)


def auth(setting, raw: str) -> str:
    lowered = raw.lower()
    if lowered not in ("otp", "eid"):
        raise ConfigError(f"{setting.name} vaut « {lowered} » : attendu otp (code SMS) ou eid (Identité Numérique).")
    return lowered


def has_space(identifier: str) -> bool:
    """The one rule an identifier obeys wherever it is typed (`.env`, accounts file, dashboard)."""
    return any(ch.isspace() for ch in identifier)


def identifier(setting, raw: str) -> str:
    if has_space(raw):
        raise ConfigError(f"{setting.name} contient des espaces. Recopiez l'identifiant sans espace.")
    return raw


def token(setting, raw: str) -> str:
    from bot.output import redact

    redact.register(raw)
    if not TELEGRAM_TOKEN_RE.fullmatch(raw):
        raise ConfigError(
            f"{setting.name} n'a pas la forme d'un jeton de bot Telegram (des chiffres, « : », "
            "puis une longue suite de lettres). Recopiez celui donné par @BotFather, ou lancez "
            "« damancom-bot telegram setup »."
        )
    return raw


def chat_ids(setting, raw: str) -> tuple[int, ...]:
    return tuple(int(c) for c in chat_texts(setting.name, raw))


def chat_texts(name: str, raw: str) -> list[str]:
    ids = [c for c in re.split(r"[\s,;]+", raw) if c]
    bad = [c for c in ids if not re.fullmatch(r"-?\d{1,20}", c)]
    if bad:
        raise ConfigError(
            f"{name} contient « {bad[0]} » : attendu des numéros de discussion séparés par des espaces "
            "(par exemple 123456789). « damancom-bot telegram setup » le trouve pour vous."
        )
    return ids


def web_address(setting, raw: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{setting.name} n'est pas une adresse web valide (« {raw} »). Laissez-le vide pour "
            f"utiliser {setting.default}."
        )
    return raw.rstrip("/")


def portal_address(setting, raw: str) -> str:
    """https (http only for this computer), no credentials, no address that cannot be a portal."""
    from bot.settings.config import portal_url

    return portal_url({setting.name: raw})


def timestamp_authority(setting, raw: str) -> str | None:
    """An RFC 3161 authority's address, or None for « 0 » (no stamp)."""
    from bot.settings.config import tsa_url

    return tsa_url({setting.name: raw}, "")


def notify_urls(setting, raw: str) -> tuple[str, ...]:
    from bot.output.notify import parse_urls

    return tuple(parse_urls(raw))


def browser(setting, raw: str) -> str:
    from bot.settings.browser_choice import from_override

    from_override(raw)
    return raw


# --- the plan's days and hours (the planner: bot/schedule/plan.py) ---------------------------------


def _clock(text: str) -> time | None:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    return None


def day_time(setting, raw: str) -> tuple[int, time]:
    parts = raw.split()
    if len(parts) == 2 and parts[0].isascii() and parts[0].isdigit() and 1 <= int(parts[0]) <= 28 and _clock(parts[1]):
        return int(parts[0]), _clock(parts[1])
    raise ConfigError(
        f"{setting.name} vaut « {raw} » : attendu un jour (1 à 28) et une heure, par exemple « 1 21:00 »."
    )


def windows(setting, raw: str) -> tuple[tuple[time, time], ...]:
    return tuple(_window(setting.name, w) for w in re.split(r"[,\s]+", raw) if w)


def _window(name: str, raw: str) -> tuple[time, time]:
    start, _, end = raw.partition("-")
    until = time.max if end.strip() == "24:00" else _clock(end)  # « jusqu'à minuit »: 23:59 would leave a minute out
    if _clock(start) and until and _clock(start) < until:
        return _clock(start), until
    raise ConfigError(
        f"{name} : plage « {raw} » invalide ; attendu HH:MM-HH:MM dans la même journée (24:00 pour minuit), "
        "par exemple 21:00-23:30."
    )


def window_label(start: time, end: time) -> str:
    """A window as the person wrote it: « 21:00-24:00 », not the 23:59:59 it is read as."""
    return f"{start:%H:%M}-{'24:00' if end == time.max else format(end, '%H:%M')}"


def overrides(setting, raw: str) -> dict[str, date]:
    return dict(_override(setting.name, o) for o in re.split(r"[,\s]+", raw) if o)


def _override(name: str, raw: str) -> tuple[str, date]:
    period, _, day = raw.partition("=")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}", period):
            raise ValueError
        return period, date.fromisoformat(day)
    except ValueError:
        raise ConfigError(
            f"{name} : « {raw} » invalide ; attendu PÉRIODE=DATE, par exemple 2025-06=2025-07-17."
        ) from None


# --- the salary caps (bot/ebds/cap.py) --------------------------------------------------------------


def salary_caps(setting, raw: str) -> dict[str, int]:
    """« 2002-01=6000,2027-01=7000 » over the default table, in centimes."""
    table = dict(setting.default)
    for item in re.split(r"[,\s]+", raw):
        if not item:
            continue
        match = re.fullmatch(r"([0-9]{4}-(?:0[1-9]|1[0-2]))=([0-9]{1,7}(?:[.,][0-9]{1,2})?)", item)
        if not match or float(match[2].replace(",", ".")) <= 0:
            raise ConfigError(
                f"{setting.name} : « {item} » invalide ; attendu AAAA-MM=MONTANT, par exemple 2002-01=6000."
            )
        table[match[1]] = round(float(match[2].replace(",", ".")) * 100)
    return table
