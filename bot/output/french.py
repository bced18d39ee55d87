"""Amounts, periods and settings as a pharmacist reads them: « 3 010,16 MAD », « octobre 2026 »,
« le réglage « mot de passe » » rather than a variable name."""

from __future__ import annotations

import re

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def money(cents: int | None) -> str:
    """1270050 → « 12 700,50 MAD » (a space between thousands, a comma before the centimes)."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}".replace(",", " ") + f",{rest:02d} MAD"


def period(value: str | None) -> str:
    """« 2026-10 » → « octobre 2026 »; anything else is shown as it is."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return f"{MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return value or "—"


# The settings a pharmacist meets, named in words; the variable itself is for --verbose and the log.
SETTING_WORDS = {
    "DAMANCOM_IDENTIFIER": "le réglage « identifiant »",
    "DAMANCOM_PASSWORD": "le réglage « mot de passe »",
    "DAMANCOM_URL": "le réglage « adresse du portail »",
    "DAMANCOM_ACCOUNT": "le réglage « compte »",
    "DAMANCOM_RECORDINGS": "le réglage « dossier des enregistrements »",
    "DAMANCOM_STATE_DIR": "le réglage « dossier d'état »",
}


def for_person(message: str, more: dict[str, str] | None = None) -> str:
    """The message without the variable names a pharmacist does not need to read (`SETTING_WORDS`,
    and `more` where a page names other settings); a name followed by « = » is text to type into
    the `.env` file, kept as it is."""
    for name, words in {**SETTING_WORDS, **(more or {})}.items():
        message = re.sub(rf"\b{name}\b(?!=)", words, message)
    return message[:1].upper() + message[1:] if message.startswith("le réglage") else message
