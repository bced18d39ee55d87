"""What the dashboard shows, gathered from the bot's own records: the ledger's periods with their
French « what next and why » (`bot/ledger/words.py`), and the latest reports and receipts found in
the recordings folder. Plain data; `pages.py` turns it into HTML."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.app.progress import amount_due, manifest_lines, steps
from bot.audit.report import HTML_NAME, PDF_NAME
from bot.schedule.glance import Line as Glance
from bot.schedule.glance import gather, situation


@dataclass
class PeriodView:
    account: str
    period: str
    state: str  # French
    next_line: str  # what happens next and why, French
    deadline: str
    receipt: str | None
    line: Glance | None = None  # its ranking, `--etat` family and situation (`bot/schedule/glance.py`)

    @property
    def etat(self) -> str:
        return self.line.etat if self.line else ""

    @property
    def situation(self) -> str:
        return situation(self.line) if self.line else ""


@dataclass
class ReportView:
    account: str
    period: str
    started: str  # « 27/11/2026 21:04 »
    outcome: str  # French
    files: list[tuple[str, str]]  # (label, path relative to the recordings folder)
    receipt: str | None
    amount: str = ""  # the amount to pay the portal showed before validation, « 3 010,16 MAD »


def periods(state_dir: Path, environ, scheduler_running: bool, now=None) -> list[PeriodView]:
    """Every period, most urgent first: the same lines as `status` (`glance.gather`, one ledger read)."""
    from bot.ledger.words import STATE_FR, day
    from bot.system import clock

    now = now or clock.corrected(state_dir)()
    shown = []
    for line in gather(state_dir, environ, scheduler_running, now=now, attempts=0):  # the page shows none
        row = line.row
        if line.state == "interrupted":
            state, said = "essai interrompu", "aucun planificateur ne tourne : l'essai sera repris à son démarrage"
        else:
            state, said = STATE_FR.get(row.state, row.state), line.reason_fr
        shown.append(
            PeriodView(row.account, row.period, state, why(row, said, now), day(row.deadline), row.receipt, line)
        )
    return shown


def why(row, line: str, now) -> str:
    """« prochain essai ce soir à 21 h 04 : le portail est surchargé en journée » when the next try
    waits for the evening window; the ledger's own sentence otherwise."""
    from bot.system import clock

    if row.next_attempt is None or row.state not in ("pending",):
        return line
    moment = row.next_attempt.astimezone(clock.TZ)
    today = now.astimezone(clock.TZ).date()
    hour = f"{moment.hour} h {moment.minute:02d}"
    if moment.date() == today:
        when = f"ce soir à {hour}" if moment.hour >= 18 else f"aujourd'hui à {hour}"
    elif (moment.date() - today).days == 1:
        when = f"demain {'matin ' if moment.hour < 12 else ''}à {hour}"
    else:
        when = f"le {moment.strftime('%d/%m')} à {hour}"
    because = {
        "first_planned": "premier essai du mois",
        "portal_down": "le portail était indisponible",
        "no_code": "personne n'a donné le code au dernier essai",
        "declined_not_now": "vous avez répondu « pas maintenant »",
        "busy": "une autre connexion utilisait le compte",
        "to_declare": "connecté, la déclaration reste à déposer",
        "missed": "l'essai prévu a été manqué (ordinateur éteint ou en veille)",
        "restarted": "repris au redémarrage du planificateur",
    }.get(row.next_reason or "")
    off_peak = moment.hour >= 18 or moment.hour < 8
    if because is None:
        return f"prochain essai {when} ({line})"
    if off_peak and row.next_reason in ("first_planned", "portal_down", "missed", "restarted"):
        # Why the bot waits for that hour rather than trying now: the seed's one hard-won fact.
        return f"prochain essai {when} : le portail est surchargé en journée ({because})"
    return f"prochain essai {when} : {because}"


def warnings(state_dir: Path) -> list[str]:
    """French lines the person may not know of: notifications that reached nobody, the machine's
    clock off from the portal's (the same as `damancom-bot status` prints)."""
    from bot.output.notify import undelivered
    from bot.system.clock import offset_warning

    return [line for found in (undelivered(state_dir), offset_warning(state_dir)) if found for line in found["lines"]]


def reports(recordings: Path, limit: int = 6) -> list[ReportView]:
    """The latest runs that left a report or a receipt (diagnostics of `doctor --live` aside)."""
    from bot.ledger.words import day

    root = Path(recordings)
    if not root.is_dir():
        return []
    folders = [m.parent for m in root.glob("*/*/*/manifest.jsonl")]
    folders.sort(key=lambda f: f.name[:15], reverse=True)
    shown = []
    for folder in folders:
        names = _names(folder)  # one directory read each: fifty employers have hundreds of runs
        files = [
            (label, name)
            for label, name in (("rapport (PDF)", PDF_NAME), ("rapport (page)", HTML_NAME))
            if name in names
        ]
        receipts = sorted(n for n in names if "accuse" in n and n.endswith(".html"))
        if receipts:
            files.append(("accusé de réception", receipts[-1]))
        if not files or folder.parent.parent.name == "diagnostic":
            continue  # before any manifest is read: fifty employers' months of runs are only listed
        first, last = _ends(folder)
        if first.get("period") is None:
            continue
        receipt = (last.get("reference") if last else None) or (_receipt_reference(folder) if receipts else None)
        from datetime import datetime

        try:
            started = day(datetime.fromisoformat(first["time"]))
        except (KeyError, ValueError):
            started = folder.name[:15]
        outcome = ("réussi" if last.get("outcome") == "ok" else "échoué") if last.get("step") == "fin" else "en cours"
        shown.append(
            ReportView(
                str(first.get("account", "")),
                str(first.get("period", "")),
                started,
                outcome,
                [(label, str((folder / name).relative_to(root).as_posix())) for label, name in files],
                receipt,
                amount_due(steps(folder)),
            )
        )
        if len(shown) >= limit:
            break
    return shown


def _names(folder: Path) -> set[str]:
    """The regular files of a run folder, by name."""
    import os

    try:
        with os.scandir(folder) as entries:
            return {e.name for e in entries if e.is_file()}
    except OSError:
        return set()


def _ends(folder: Path) -> tuple[dict, dict]:
    """The first and the last readable lines (a run may be writing its last one)."""
    lines, records = manifest_lines(folder), []
    for line in lines[:1] + lines[1:][-2:]:
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append({})
    if not records or not records[0]:
        return {}, {}
    return records[0], next((r for r in reversed(records[1:]) if r), {})


def _receipt_reference(folder: Path) -> str | None:
    try:
        for line in manifest_lines(folder):
            record = json.loads(line)
            if record.get("reference"):
                return str(record["reference"])
    except ValueError:
        return None
    return None
