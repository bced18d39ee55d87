"""Moroccan time. The portal, its deadlines and its busy hours live in Africa/Casablanca, whatever
the machine's zone (Morocco shifts its offset around Ramadan: never hard-code +01:00)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from bot.system import state_paths

TZ = ZoneInfo("Africa/Casablanca")


def now() -> datetime:
    return datetime.now(TZ)


def until(seconds: float) -> str:
    """« HH:MM (heure du Maroc) » in `seconds`: a time a person reads, whatever the machine's zone."""
    return (now() + timedelta(seconds=seconds)).strftime("%H:%M") + " (heure du Maroc)"


def previous_period(moment: datetime | None = None) -> str:
    """The period declared in a given month: the month before, as YYYY-MM."""
    moment = (moment or now()).astimezone(TZ)
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    return f"{year:04d}-{month:02d}"


# The machine's clock may be wrong (no time sync, a wrong zone, Morocco's Ramadan hour not applied):
# the portal's own `Date` header, seen by every run, says by how much. The planner plans from the
# portal's time: a deadline at 23:59 is the portal's 23:59.
OFFSET_FILE = state_paths.CLOCK_OFFSET
OFF_BY = timedelta(minutes=2)  # less is the network's delay and the header's rounding: ignored


def measured(state_dir: Path, reference: datetime, machine: datetime, source: str = "portail") -> timedelta:
    """Stores how far the machine's clock (`machine`) is behind `reference` (positive: late)."""
    from bot.system.files import write_atomic

    offset = reference - machine
    write_atomic(
        Path(state_dir) / OFFSET_FILE,
        {
            "offset_seconds": round(offset.total_seconds()),
            "source": source,
            "measured_at": (machine + offset).astimezone(TZ).isoformat(),
        },
    )
    return offset


def read_offset(state_dir: Path) -> dict | None:
    try:
        data = json.loads((Path(state_dir) / OFFSET_FILE).read_text(encoding="utf-8"))
        return {
            "offset_seconds": int(data["offset_seconds"]),
            "source": str(data.get("source", "")),
            "measured_at": str(data.get("measured_at", "")),
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None


def offset(state_dir: Path) -> timedelta:
    """The correction to apply to the machine's clock: zero while it is right (within OFF_BY)."""
    data = read_offset(state_dir)
    shift = timedelta(seconds=data["offset_seconds"]) if data else timedelta(0)
    return shift if abs(shift) >= OFF_BY else timedelta(0)


def corrected(state_dir: Path, raw: Callable[[], datetime] = now) -> Callable[[], datetime]:
    """Moroccan time by the portal's clock: the machine's, corrected by the last measured offset."""
    return lambda: raw() + offset(state_dir)


def off_by_fr(shift: timedelta) -> str:
    """« retarde de 1 h 05 min » / « avance de 12 min »."""
    minutes = round(abs(shift.total_seconds()) / 60)
    hours, rest = divmod(minutes, 60)
    amount = f"{hours} h {rest:02d} min" if hours else f"{rest} min"
    return f"{'retarde' if shift > timedelta(0) else 'avance'} de {amount}"


def offset_warning(state_dir: Path) -> dict | None:
    """For `status` and the dashboard: the machine's clock is off (None when it is right)."""
    data = read_offset(state_dir)
    shift = offset(state_dir)
    if not data or not shift:
        return None
    when = datetime.fromisoformat(data["measured_at"]).strftime("%d/%m/%Y %H:%M") if data["measured_at"] else "?"
    return {
        **data,
        "lines": [
            f"Horloge : l'heure de cet ordinateur {off_by_fr(shift)} sur celle du portail Damancom "
            f"(mesuré le {when}). "
            "Le planificateur se règle sur l'heure du portail ; corrigez l'heure de l'ordinateur "
            "(Windows : Paramètres > Heure et langue > Synchroniser maintenant)."
        ],
    }


def from_http_date(value: str | None) -> datetime | None:
    """An HTTP `Date` header (« Tue, 10 Nov 2026 22:23:05 GMT ») as an aware datetime."""
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value or "")
    except (TypeError, ValueError, IndexError):
        return None
    return when if when is not None and when.tzinfo is not None else None


def watch_portal(page, state_dir: Path, url: str, machine: Callable[[], datetime] = now) -> None:
    """Measures the machine's offset on the portal's first answer that carries a `Date` header."""
    from urllib.parse import urlsplit

    from loguru import logger

    host, done = urlsplit(url).hostname, []

    def on_response(response) -> None:
        if done or urlsplit(response.url).hostname != host:
            return
        reference = from_http_date(response.headers.get("date"))
        if reference is None:
            return
        done.append(True)
        try:
            shift = measured(state_dir, reference, machine())
        except OSError as exc:
            logger.debug("Décalage de l'horloge non enregistré : {}", exc)
            return
        if abs(shift) >= OFF_BY:
            logger.warning(
                "L'heure de cet ordinateur {} sur celle du portail : le planificateur s'y règle ; "
                "corrigez l'heure de l'ordinateur.",
                off_by_fr(shift),
            )

    page.on("response", on_response)


def checked_period(value: str | None, *, required: bool = False) -> str | None:
    """`--period AAAA-MM`, checked (exit 2); here, below every room that reads one."""
    import re

    from bot.errors import BadInput

    if value is None and not required:
        return None
    if value is None or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise BadInput(f"--period {value} : attendu AAAA-MM, par exemple 2026-10.")
    return value
