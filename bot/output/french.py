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


def for_person(message: str, words_of: dict[str, str]) -> str:
    """The message without the variable names a pharmacist does not need to read: `words_of`, the
    settings' words (`bot/settings/table.py: person_words`, the variable itself is for --verbose and
    the log); a name followed by « = » is text to type into the `.env` file, kept as it is."""
    for name, words in words_of.items():
        message = re.sub(rf"\b{name}\b(?!=)", words, message)
    return message[:1].upper() + message[1:] if message.startswith("le réglage") else message


# How a code, an answer or « prêt » came in, as a person reads it (the names are the channels' own).
HOW_FR = {
    "terminal": "tapé dans le terminal",
    "otp-commande": "donné avec la commande « damancom-bot otp »",
    "page-locale": "saisi dans la page locale du navigateur",
    "telegram": "envoyé au bot Telegram",
    "bac-a-sable": "lu automatiquement (SMS simulé du portail d'essai)",
    "navigateur": "saisi dans la fenêtre du navigateur",
    "tableau-de-bord": "saisi dans le tableau de bord (damancom-bot app)",
    "telephone": "numéro du téléphone retenu (ne transmet aucun code)",
}


def channel_fr(via: str) -> str:
    return HOW_FR.get(via, via or "inconnu")


def day(moment) -> str:
    """A moment as « 05/11/2026 21:30 », Moroccan time."""
    from bot.system import clock

    return moment.astimezone(clock.TZ).strftime("%d/%m/%Y %H:%M")
