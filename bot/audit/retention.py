"""Retention: run folders older than N months (24 by default) may go; proofs of filing never do."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.audit.manifest import NAME, ManifestUnreadable, read_records

RECEIPT_FILE = "accuse-de-reception.html"  # flows/declaration.py: ReceiptScreen.save
KEEP_MARK = "CONSERVER"  # a person may drop this file into a folder to keep it forever


@dataclass
class RunFolder:
    path: Path
    started: datetime | None
    proof: bool
    damaged: str = ""  # why the manifest cannot be read (French), when it cannot

    @property
    def kept_by_hand(self) -> bool:
        return (self.path / KEEP_MARK).exists()


def run_folders(root: Path) -> list[RunFolder]:
    found = []
    for manifest in sorted(Path(root).rglob(NAME)):
        damaged = ""
        try:
            records = read_records(manifest.parent)
            started = datetime.fromisoformat(records[0]["time"])
            if started.tzinfo is None:
                raise ValueError("naive time")
            proof = any(_proves_filing(r) for r in records)
        except ManifestUnreadable as exc:
            started, proof, damaged = None, False, exc.why
        except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
            started, proof = None, False  # unreadable: never deleted automatically
            damaged = f"{NAME} illisible ou incomplet"
        # A receipt on disk is proof whatever the manifest says (a run killed after the receipt has no final line).
        proof = proof or (manifest.parent / RECEIPT_FILE).exists()
        found.append(RunFolder(manifest.parent, started, proof, damaged))
    return found


def _proves_filing(record) -> bool:
    return bool(
        record.get("proof") or record.get("reference") or str(record.get("step", "")).startswith("accuse-de-reception")
    )


def months_before(moment: datetime, months: int) -> datetime:
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def prune(root: Path, months: int, now: datetime, *, dry_run: bool = False) -> tuple[list[Path], list[Path]]:
    """Returns (deleted, kept because they prove a filing or were marked by hand)."""
    limit = months_before(now, months)
    deleted, protected = [], []
    for run in run_folders(root):
        if run.started is None or run.started >= limit:
            continue
        if run.proof or run.kept_by_hand:
            protected.append(run.path)
            continue
        if not dry_run:
            shutil.rmtree(run.path)
        deleted.append(run.path)
    return deleted, protected
