"""What a valid SMS code is. Checked before anything is sent to the portal."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import InvalidCode
from bot.output import redact

CODE_RE = re.compile(r"\d{6}")


def parse_code(raw: str) -> str:
    """Exactly 6 digits once spaces are removed; anything else is refused before the portal sees it."""
    code = re.sub(r"\s+", "", raw or "")
    if not CODE_RE.fullmatch(code):
        raise InvalidCode("Le code doit comporter exactement 6 chiffres (par exemple 123456). Saisissez-le à nouveau.")
    # A phone keyboard may give Arabic-Indic or full-width digits: the portal wants ASCII.
    code = "".join(str(unicodedata.decimal(ch)) for ch in code)
    redact.register(code)
    return code


def duration_fr(seconds: float) -> str:
    if seconds >= 60:
        return f"{seconds / 60:.1f}".replace(".0", "").replace(".", ",") + " min"
    return f"{seconds:.0f} s"
