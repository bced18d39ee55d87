"""The journal of runs (SQLite, state dir): what each audit folder of this computer was when its run
wrote it — the hash of its first and final manifest lines, whether a timestamp was asked for and
obtained, the hash of a report printed after the run.

The folder alone cannot show a complete rewrite (every hash recomputed, the stamp deleted and a line
« horodatage indisponible » appended): this copy, kept outside the recordings folder, can. Whoever
can also write the state dir can rewrite both; `audit verify` and the README say so.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from loguru import logger

from bot.system import state_paths

FILE = state_paths.AUDIT_JOURNAL
_SCHEMA = """CREATE TABLE IF NOT EXISTS runs (
  folder TEXT PRIMARY KEY, run_id TEXT, account TEXT, period TEXT, tsa TEXT, first_hash TEXT,
  final_hash TEXT, stamped INTEGER, pdf_hash TEXT)"""


@dataclass
class Entry:
    tsa: str | None
    first_hash: str | None
    final_hash: str | None  # None: the run never wrote its « fin » line (killed)
    stamped: bool
    pdf_hash: str | None  # report.pdf printed after the run (`report --pdf`)


def _connect(state: Path) -> sqlite3.Connection:
    from bot.system.files import make_private, private_dir

    private_dir(Path(state))
    path = Path(state) / FILE
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    make_private(path)
    db.execute(_SCHEMA)
    return db


def _write(state: Path | None, sql: str, values: tuple) -> None:
    """A journal that cannot be written must not stop the run: the folder itself stays valid."""
    if state is None:
        return
    try:
        db = _connect(state)
        try:
            db.execute(sql, values)
        finally:
            db.close()
    except (OSError, sqlite3.Error) as exc:
        logger.warning(
            "Journal des exécutions non mis à jour ({}) : audit verify ne pourra pas comparer ce dossier.",
            type(exc).__name__,
        )


def opened(
    state: Path | None, folder: str, run_id: str, account: str, period: str, tsa: str | None, first_hash: str
) -> None:
    _write(
        state,
        "INSERT OR REPLACE INTO runs (folder, run_id, account, period, tsa, first_hash, stamped) "
        "VALUES (?, ?, ?, ?, ?, ?, 0)",
        (folder, run_id, account, period, tsa, first_hash),
    )


def closed(state: Path | None, folder: str, final_hash: str) -> None:
    _write(state, "UPDATE runs SET final_hash=? WHERE folder=?", (final_hash, folder))


def stamped(state: Path | None, folder: str) -> None:
    _write(state, "UPDATE runs SET stamped=1 WHERE folder=?", (folder,))


def printed(state: Path | None, folder: str, pdf_hash: str) -> None:
    _write(state, "UPDATE runs SET pdf_hash=? WHERE folder=?", (pdf_hash, folder))


def read(state: Path, folder: str) -> Entry | None:
    """This run's entry; None when the journal does not know it. sqlite3.Error when unreadable."""
    path = Path(state) / FILE
    with sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT tsa, first_hash, final_hash, stamped, pdf_hash FROM runs WHERE folder=?", (folder,)
        ).fetchone()
    return None if row is None else Entry(row[0], row[1], row[2], bool(row[3]), row[4])


def exists(state: Path) -> bool:
    return (Path(state) / FILE).is_file()
