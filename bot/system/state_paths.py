"""Every file and folder of the state dir (DAMANCOM_STATE_DIR), named once. The modules that write
them keep their own logic and take the name from here, so a person (or `status`, the dashboard,
`audit verify`) finds the same file under the same name whoever looks."""

from __future__ import annotations

from pathlib import Path

# --- the record of what was filed ---
LEDGER = "ledger.sqlite"  # periods and attempts (bot/ledger/ledger.py)
AUDIT_JOURNAL = "audit-journal.sqlite"  # each run's folder as written (bot/audit/journal.py)

# --- the scheduler ---
HEARTBEAT = "scheduler.json"  # a scheduler is running (bot/schedule/heartbeat.py)
SCHEDULER_LOCK = "scheduler.lock"  # one scheduler per state dir (bot/schedule/service.py)
SCHEDULER_CONSOLE = "planificateur-console.txt"  # the windowless task's streams (bot/schedule/windowless.py)

# --- the portal and the browser ---
LOCKOUT = "lockout.json"  # refused logins per portal key (bot/run/lockout.py)
WINDOW_MEMORY = "fenetre-visible.json"  # portals that refuse a headless browser (bot/run/window_memory.py)
CLOCK_OFFSET = "horloge.json"  # the portal's clock vs the machine's (bot/system/clock.py)
LOCKS = "locks"  # OS file locks: one run per portal key, one code at a time per phone
SELECTOR_WINNERS = "selecteurs-gagnants.json"  # what found each element, per portal (bot/run/selector_memory.py)
PHONES = "telephones.json"  # account → the masked number its code screen showed (bot/handover/phone_turn.py)

# --- the person ---
HANDOVER = "handover"  # one folder per waiting run: the dropbox (bot/handover/dropbox.py)
WAITING = "waiting.json"  # in a run's handover folder: a run waits, with its public key
CODE = "code.json"
READY = "ready.json"
RESEND = "resend.json"
ANSWER = "answer.json"
NOTIFICATIONS = "notifications.json"  # the month's budget and every delivery (bot/output/notify.py)

# --- files kept for the person ---
INBOX = "inbox"  # declaration files waiting for their period (bot/run/filing_task.py)
LOGS = "logs"  # the log files' folder (bot/output/logs.py)
LEARNED_SELECTORS = "selecteurs-appris"  # `damancom-bot learn` without DAMANCOM_SELECTORS
RECORDINGS = "recordings"  # the recordings' folder when no other is set (bot/settings/config.py)
TRIAL = "essai"  # the dashboard's « mode essai »: its sandbox account's own state (bot/app/trial.py)
DASHBOARD_RUNS = "tableau-de-bord"  # the outputs of runs started from the dashboard (bot/app/jobs.py)


def inbox(state_dir: Path, account: str, period: str) -> Path:
    """Where a declaration file waits for `account`'s `period`."""
    return Path(state_dir) / INBOX / account / period


def waiting_file(state_dir: Path, account: str, period: str) -> Path | None:
    """The newest declaration file waiting for that period, if any."""
    files = sorted(inbox(state_dir, account, period).glob("*.txt"))
    return files[-1] if files else None
