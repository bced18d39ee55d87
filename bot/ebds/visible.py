"""A value as a person can read it in a message: invisible characters (Ctrl-Z, no-break space, NUL…)
named instead of printed, so « « » invalide » never hides what the cell really holds."""

from __future__ import annotations

import unicodedata

NAMES = {
    "\x1a": "Ctrl-Z",
    "\x00": "NUL",
    "\t": "tabulation",
    "\r": "retour chariot",
    "\n": "saut de ligne",
    "\u00a0": "espace insécable",
    "\u202f": "espace fine insécable",
    "\u2009": "espace fine",
    "\u200b": "espace de largeur nulle",
    "\ufeff": "marque BOM",
    "\x0b": "tabulation verticale",
    "\x0c": "saut de page",
    "\x1b": "Échap",
}
SPACES = "\u00a0\u202f\u2009\u2007"  # thousands separators a spreadsheet writes between digits


def visible(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, every invisible one written as [its name]."""
    out = []
    for char in text[:limit]:
        name = NAMES.get(char)
        if name is None and (not char.isprintable() or unicodedata.category(char) in ("Zs", "Cf") and char != " "):
            name = f"U+{ord(char):04X}"
        out.append(f"[{name}]" if name else char)
    return "".join(out) + ("…" if len(text) > limit else "")


def odd_characters(text: str, allowed) -> str:
    """The characters of `text` not in `allowed`, each once and readable: « [espace insécable], A »."""
    seen = []
    for char in text:
        if char not in allowed and char not in seen:
            seen.append(char)
    return ", ".join(visible(c) if visible(c) != c else f"« {c} »" if _cp1252(c) else f"U+{ord(c):04X}" for c in seen)


def _cp1252(char: str) -> bool:
    """Shown as itself only where a Windows console or log file can write it."""
    try:
        char.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False
