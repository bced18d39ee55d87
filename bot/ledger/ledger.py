"""The ledger (SQLite, state dir): one row per (account, period) and every attempt.

It — not APScheduler's memory — decides what to plan. A `done` period is never attempted
again; an attempt that never finished (the machine went off mid-run) is closed as interrupted
at the next start and the planner decides when to try again (`Planner.recover`).
Reasons and outcomes are stored as codes (`bot/ledger/words.py` renders them in French).
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.errors import ConfigError, StorageError
from bot.system import state_paths

PENDING, IN_PROGRESS, DONE, NEEDS_ATTENTION = "pending", "in_progress", "done", "needs_attention"
SUBMITTING = "submitting"  # the final « Valider la déclaration » may have been clicked: check the portal first
MANUAL = "manual"  # the person said they file it themselves: no more attempts
FILE = state_paths.LEDGER
# An attempt's stage, written by the run itself *before* the action it names (write-ahead): a kill
# at any instant leaves the truth behind, whatever the wall clock did meanwhile.
SMS_POSSIBLE = "sms_possible"  # the identifier is about to be sent: an SMS may go out
CODE_STEP_DONE = "code_step_done"  # the portal took the code: that SMS was used


def note_login(state_dir: Path, account: str, summary, now: datetime) -> None:
    """Called after every successful login: periods seen « Déclarée » stop being attempted.
    Nothing is created for a person who never used the scheduler."""
    if (Path(state_dir) / FILE).exists():
        Ledger(state_dir).seen_on_portal(account, summary, now)


def note_stage(state_dir: Path, account: str, stage: str, now: datetime) -> int:
    """The run's write-ahead mark on the scheduler's open attempts of `account` (one run per account
    at a time: they are this run's). Raises StorageError when it cannot be written, so that the
    action it announces is not taken. Nothing is created for a person who never used the scheduler."""
    if not (Path(state_dir) / FILE).exists():
        return 0
    try:
        return Ledger(state_dir).mark_open_attempts(account, stage, now)
    except sqlite3.Error as exc:
        raise StorageError(
            f"Le registre {Path(state_dir) / FILE} n'a pas pu être mis à jour ({exc}) : le bot "
            "s'arrête avant d'envoyer l'identifiant, aucun SMS n'a été demandé. Réessayez ; si cela "
            "se répète, vérifiez le disque et les droits du dossier d'état."
        ) from None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS periods (
  account TEXT NOT NULL, period TEXT NOT NULL, state TEXT NOT NULL, deadline TEXT NOT NULL,
  next_attempt TEXT, next_reason TEXT, note TEXT, updated TEXT NOT NULL,
  PRIMARY KEY (account, period));
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, period TEXT NOT NULL,
  started TEXT NOT NULL, ended TEXT, exit_code INTEGER, outcome TEXT, message TEXT, audit_folder TEXT);
CREATE TABLE IF NOT EXISTS notices (
  account TEXT NOT NULL, period TEXT NOT NULL, kind TEXT NOT NULL, sent TEXT NOT NULL,
  PRIMARY KEY (account, period, kind));
"""


@dataclass
class PeriodRow:
    account: str
    period: str
    state: str
    deadline: datetime
    next_attempt: datetime | None
    next_reason: str | None
    note: str | None
    updated: datetime | None = None
    receipt: str | None = None


@dataclass
class AttemptRow:
    id: int
    started: datetime
    ended: datetime | None
    exit_code: int | None
    outcome: str | None
    message: str | None
    audit_folder: str | None
    account: str = ""
    period: str = ""
    stage: str | None = None  # SMS_POSSIBLE, CODE_STEP_DONE or None (nothing sent yet)


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Ledger:
    def __init__(self, state_dir: Path):
        self.path = Path(state_dir) / FILE
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._create()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                f"Le registre {self.path} est illisible ({exc}). Rien n'a été modifié. Mettez ce fichier de côté "
                "(renommez-le) et relancez : le bot repartira d'un registre vide ; vérifiez alors sur le portail "
                "l'état des périodes déjà déclarées."
            ) from None

    def _create(self) -> None:
        """Tables and columns, under one write lock. Runs opening a new ledger at the same moment
        (`declare --all`) make SQLite refuse at once rather than wait (« database is locked », no busy
        handler on a lock upgrade that could deadlock): those try again, briefly."""
        for attempt in range(1, 41):
            db = None
            try:
                db = self._connect()
                db.executescript(_SCHEMA)  # commits by itself: outside the transaction helper
                db.execute("BEGIN IMMEDIATE")
                if "receipt" not in {row[1] for row in db.execute("PRAGMA table_info(periods)")}:
                    db.execute("ALTER TABLE periods ADD COLUMN receipt TEXT")
                if "stage" not in {row[1] for row in db.execute("PRAGMA table_info(attempts)")}:
                    db.execute("ALTER TABLE attempts ADD COLUMN stage TEXT")
                    db.execute("ALTER TABLE attempts ADD COLUMN stage_at TEXT")
                db.execute("COMMIT")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 40:
                    raise
                time.sleep(0.05 * attempt)  # another process holds the file: not a page to wait for
            finally:
                if db is not None:
                    db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA busy_timeout=30000")
        return db

    @contextmanager
    def _db(self):
        """One immediate transaction: concurrent processes (scheduler, `status`) never interleave."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    # periods -------------------------------------------------------------------------
    def ensure(self, account: str, period: str, deadline: datetime, first: datetime, now: datetime) -> PeriodRow:
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO periods (account, period, state, deadline, next_attempt, next_reason, "
                "updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (account, period, PENDING, deadline.isoformat(), first.isoformat(), "first_planned", now.isoformat()),
            )
        return self.period(account, period)

    def period(self, account: str, period: str) -> PeriodRow | None:
        with self._db() as db:
            row = db.execute(_COLUMNS + " WHERE account=? AND period=?", (account, period)).fetchone()
        return _period(row) if row else None

    def periods(self, account: str | None = None) -> list[PeriodRow]:
        query = _COLUMNS
        with self._db() as db:
            rows = db.execute(
                query + (" WHERE account=?" if account else "") + " ORDER BY account, period DESC",
                (account,) if account else (),
            ).fetchall()
        return [_period(r) for r in rows]

    def plan(
        self,
        account: str,
        period: str,
        state: str,
        when: datetime | None,
        reason: str,
        now: datetime,
        note: str | None = None,
    ) -> None:
        with self._db() as db:
            current = db.execute("SELECT state FROM periods WHERE account=? AND period=?", (account, period)).fetchone()
            if current and current[0] == DONE:
                return  # a done period never goes back, and keeps how it was done (receipt, by hand)
            db.execute(
                "UPDATE periods SET state=?, next_attempt=?, next_reason=?, note=COALESCE(?, note), updated=? "
                "WHERE account=? AND period=?",
                (state, when.isoformat() if when else None, reason, note, now.isoformat(), account, period),
            )

    def set_deadline(self, account: str, period: str, deadline: datetime, now: datetime) -> None:
        """The plan's deadline wins whenever it is read (an override added later)."""
        with self._db() as db:
            db.execute(
                "UPDATE periods SET deadline=?, updated=? WHERE account=? AND period=?",
                (deadline.isoformat(), now.isoformat(), account, period),
            )

    def declared_elsewhere(self, account: str, period: str, deadline: datetime, now: datetime, reason: str) -> bool:
        """`filed_by_hand` (`damancom-bot done`) or `seen_declared` (a login saw « Déclarée »).
        False when the period was already done."""
        self.ensure(account, period, deadline, now, now)
        with self._db() as db:
            cursor = db.execute(
                "UPDATE periods SET state=?, next_attempt=NULL, next_reason=?, updated=? "
                "WHERE account=? AND period=? AND state<>?",
                (DONE, reason, now.isoformat(), account, period, DONE),
            )
            return cursor.rowcount == 1

    def seen_on_portal(self, account: str, summary, now: datetime) -> list[str]:
        """Any login that sees a period « Déclarée » closes it here (filed by hand, or earlier)."""
        closed = []
        for row in self.periods(account):
            if row.state != DONE and summary.state_of(row.period) == "declared":
                if self.declared_elsewhere(account, row.period, row.deadline, now, "seen_declared"):
                    closed.append(row.period)
        return closed

    # filing: exactly once ----------------------------------------------------------------
    def submitting(self, account: str, period: str, deadline: datetime, now: datetime) -> None:
        """Written before the final click: after any crash, the next run asks the portal first."""
        self.ensure(account, period, deadline, now, now)
        with self._db() as db:
            db.execute(
                "UPDATE periods SET state=?, next_reason=?, updated=? WHERE account=? AND period=?",
                (SUBMITTING, "submitting", now.isoformat(), account, period),
            )

    def filed(self, account: str, period: str, deadline: datetime, receipt: str, now: datetime) -> None:
        self.ensure(account, period, deadline, now, now)
        with self._db() as db:
            db.execute(
                "UPDATE periods SET state=?, receipt=?, next_attempt=NULL, next_reason=?, updated=? "
                "WHERE account=? AND period=?",
                (DONE, receipt, "filed", now.isoformat(), account, period),
            )

    def receipt(self, account: str, period: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT receipt FROM periods WHERE account=? AND period=?", (account, period)).fetchone()
        return row[0] if row else None

    # attempts --------------------------------------------------------------------------
    def begin(self, account: str, period: str, now: datetime) -> int | None:
        """Marks the period in progress and opens an attempt; None when it must not run (done, or running)."""
        with self._db() as db:
            row = db.execute("SELECT state FROM periods WHERE account=? AND period=?", (account, period)).fetchone()
            if row is None or row[0] in (DONE, IN_PROGRESS, NEEDS_ATTENTION, MANUAL):
                return None
            db.execute(
                "UPDATE periods SET state=?, next_attempt=NULL, next_reason='in_progress', updated=? "
                "WHERE account=? AND period=?",
                (IN_PROGRESS, now.isoformat(), account, period),
            )
            cursor = db.execute(
                "INSERT INTO attempts (account, period, started) VALUES (?, ?, ?)", (account, period, now.isoformat())
            )
            return cursor.lastrowid

    def end(
        self,
        attempt_id: int,
        now: datetime,
        exit_code: int | None,
        outcome: str,
        message: str,
        audit_folder: str | None,
    ) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE attempts SET ended=?, exit_code=?, outcome=?, message=?, audit_folder=? WHERE id=?",
                (now.isoformat(), exit_code, outcome, message, audit_folder, attempt_id),
            )

    def mark_open_attempts(self, account: str, stage: str, now: datetime) -> int:
        """The attempts begun and not ended for `account` (the scheduler's, for the run now going),
        and their periods' reason (`status` says where the run is)."""
        with self._db() as db:
            cursor = db.execute(
                "UPDATE attempts SET stage=?, stage_at=? WHERE account=? AND ended IS NULL",
                (stage, now.isoformat(), account),
            )
            db.execute(
                "UPDATE periods SET next_reason=?, updated=? WHERE account=? AND state=? AND period IN "
                "(SELECT period FROM attempts WHERE account=? AND ended IS NULL)",
                (stage, now.isoformat(), account, IN_PROGRESS, account),
            )
            return cursor.rowcount

    def attempts(self, account: str, period: str, limit: int = 5) -> list[AttemptRow]:
        with self._db() as db:
            rows = db.execute(
                _ATTEMPT_COLUMNS + " WHERE account=? AND period=? ORDER BY id DESC LIMIT ?", (account, period, limit)
            ).fetchall()
        return [_attempt(r) for r in rows]

    def overview(self, account: str | None = None, limit: int = 5) -> list[tuple[PeriodRow, list[AttemptRow]]]:
        """Every period (of `account`, or all) with its latest `limit` attempts, newest first: one
        connection and one read snapshot for fifty employers (`status`, the dashboard), no write lock."""
        where = " WHERE account=?" if account else ""
        args = (account,) if account else ()
        db = self._connect()
        try:
            db.execute("BEGIN")  # deferred: a reader never waits for, nor blocks, the scheduler's writes
            periods = db.execute(_COLUMNS + where + " ORDER BY account, period DESC", args).fetchall()
            attempts = (
                limit
                and db.execute(
                    _ATTEMPT_COLUMNS + " WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY "
                    "account, period ORDER BY id DESC) AS n FROM attempts" + where + ") WHERE n <= ?) ORDER BY id DESC",
                    (*args, limit),
                ).fetchall()
            )
            db.execute("COMMIT")
        finally:
            db.close()
        by_period: dict[tuple[str, str], list[AttemptRow]] = {}
        for r in attempts or ():
            by_period.setdefault((r[7], r[8]), []).append(_attempt(r))
        return [(p, by_period.get((p.account, p.period), [])) for p in map(_period, periods)]

    def open_attempts(self) -> list[AttemptRow]:
        """Attempts begun and never ended: running now, or cut short (crash, power cut, kill)."""
        with self._db() as db:
            rows = db.execute(_ATTEMPT_COLUMNS + " WHERE ended IS NULL ORDER BY id").fetchall()
        return [_attempt(r) for r in rows]

    def count_attempts(self, account: str, period: str) -> int:
        with self._db() as db:
            return db.execute(
                "SELECT COUNT(*) FROM attempts WHERE account=? AND period=?", (account, period)
            ).fetchone()[0]

    # notices (reminders, alerts): each sent once --------------------------------------------
    def notice_once(self, account: str, period: str, kind: str, now: datetime) -> bool:
        with self._db() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO notices VALUES (?, ?, ?, ?)", (account, period, kind, now.isoformat())
            )
            return cursor.rowcount == 1

    def has_notice(self, account: str, period: str, kind: str) -> bool:
        with self._db() as db:
            return (
                db.execute(
                    "SELECT 1 FROM notices WHERE account=? AND period=? AND kind=?", (account, period, kind)
                ).fetchone()
                is not None
            )

    def forget_notice(self, account: str, period: str, kind: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM notices WHERE account=? AND period=? AND kind=?", (account, period, kind))


_COLUMNS = "SELECT account, period, state, deadline, next_attempt, next_reason, note, updated, receipt FROM periods"
_ATTEMPT_COLUMNS = (
    "SELECT id, started, ended, exit_code, outcome, message, audit_folder, account, period, stage FROM attempts"
)


def _period(row) -> PeriodRow:
    return PeriodRow(row[0], row[1], row[2], _dt(row[3]), _dt(row[4]), row[5], row[6], _dt(row[7]), row[8])


def _attempt(r) -> AttemptRow:
    return AttemptRow(r[0], _dt(r[1]), _dt(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9])
