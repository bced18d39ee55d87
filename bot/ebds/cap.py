"""The monthly salary cap for the plafonné amounts: a dated value, not a constant.

Default: 6 000 MAD per month since January 2002. DAMANCOM_SALARY_CAPS="2002-01=6000,2027-01=7000"
adds or replaces entries; the one in force for a period is the latest starting at or before it.
"""

from __future__ import annotations

import re
from typing import Mapping

from bot.errors import ConfigError

DEFAULT = {"2002-01": 600_000}  # centimes


def caps(environ: Mapping[str, str]) -> dict[str, int]:
    table = dict(DEFAULT)
    for item in re.split(r"[,\s]+", (environ.get("DAMANCOM_SALARY_CAPS") or "").strip()):
        if not item:
            continue
        match = re.fullmatch(r"([0-9]{4}-(?:0[1-9]|1[0-2]))=([0-9]{1,7}(?:[.,][0-9]{1,2})?)", item)
        if not match or float(match[2].replace(",", ".")) <= 0:
            raise ConfigError(
                f"DAMANCOM_SALARY_CAPS : « {item} » invalide ; attendu AAAA-MM=MONTANT, par exemple 2002-01=6000."
            )
        table[match[1]] = round(float(match[2].replace(",", ".")) * 100)
    return table


def cap_for(period: str, table: Mapping[str, int]) -> int:
    """`period` as AAAA-MM or AAAAMM."""
    key = period if "-" in period else f"{period[:4]}-{period[4:]}"
    starts = [start for start in table if start <= key]
    if not starts:
        raise ConfigError(f"Aucun plafond de salaire connu pour la période {key} (DAMANCOM_SALARY_CAPS).")
    return table[max(starts)]
