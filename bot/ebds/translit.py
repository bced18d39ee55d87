"""Text into the portal's alphabet, deterministically: « Hélène Ñúñez-Aït » → « HELENE NUNEZ-AIT ».

Letters lose their accents (Unicode decomposition), a few letters that do not decompose get their
usual Latin spelling, anything else not allowed becomes a space. Every change is reported by the
caller: a payroll clerk must see what the file will say.
"""

from __future__ import annotations

import unicodedata

_BASE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
# Letters with no decomposition, spelled as French and Moroccan registries usually do.
_SPECIAL = {
    "ß": "SS",
    "Æ": "AE",
    "æ": "AE",
    "Œ": "OE",
    "œ": "OE",
    "Ø": "O",
    "ø": "O",
    "Đ": "D",
    "đ": "D",
    "Ł": "L",
    "ł": "L",
    "Ð": "D",
    "ð": "D",
    "Þ": "TH",
    "þ": "TH",
    "ı": "I",
    "\u2019": "'",
    "\u2018": "'",
    "\u2013": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u00a0": " ",
}


def to_portal(value: str, keep: str = "-") -> tuple[str, bool]:
    """(text in A-Z, 0-9, space and the characters in `keep`; whether anything changed but case)."""
    allowed = _BASE + keep
    out = []
    for char in value:
        upper = char.upper()
        if len(upper) == 1 and upper in allowed:
            out.append(upper)
            continue
        plain = _SPECIAL.get(char)
        if plain is None:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).upper()
        out.append(plain if plain and all(c in allowed for c in plain) else " ")
    result = "".join(out).strip()
    return result, result != value.strip().upper()
