"""Moroccan time. The portal, its deadlines and its busy hours live in Africa/Casablanca, whatever
the machine's zone (Morocco shifts its offset around Ramadan: never hard-code +01:00)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Africa/Casablanca")


def now() -> datetime:
    return datetime.now(TZ)


def previous_period(moment: datetime | None = None) -> str:
    """The period declared in a given month: the month before, as YYYY-MM."""
    moment = (moment or now()).astimezone(TZ)
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    return f"{year:04d}-{month:02d}"
