"""Amounts and periods as a pharmacist reads them: « 3 010,16 MAD », « octobre 2026 »."""

from __future__ import annotations

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
