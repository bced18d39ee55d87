"""The monthly salary cap for the plafonné amounts: a dated value, not a constant.

Default: 6 000 MAD per month since January 2002. DAMANCOM_SALARY_CAPS="2002-01=6000,2027-01=7000"
adds or replaces entries; the one in force for a period is the latest starting at or before it.
"""

from __future__ import annotations

from typing import Mapping

from bot.errors import ConfigError
from bot.settings import table

DEFAULT = table.SALARY_CAPS.default  # centimes


def caps(environ: Mapping[str, str]) -> dict[str, int]:
    return dict(table.SALARY_CAPS.get(environ))


def cap_for(period: str, table: Mapping[str, int]) -> int:
    """`period` as AAAA-MM or AAAAMM."""
    key = period if "-" in period else f"{period[:4]}-{period[4:]}"
    starts = [start for start in table if start <= key]
    if not starts:
        raise ConfigError(f"Aucun plafond de salaire connu pour la période {key} ({table.SALARY_CAPS.name}).")
    return table[max(starts)]
