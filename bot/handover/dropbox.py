"""Hand-off through the state dir, for `damancom-bot otp CODE` and `damancom-bot ready` typed in
another terminal. Writes are atomic (temporary file, then rename); a code is taken by renaming it
away, so it is consumed exactly once, and deleted at once. What is dropped for a run is sealed with
the key it publishes in its waiting file (`bot/handover/sealed.py`): after a crash or a `kill -9`,
a code left on disk cannot be read by anyone."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime
from pathlib import Path

from loguru import logger

from bot.errors import BadInput
from bot.handover.base import Channel
from bot.handover.mailbox import READY, RESEND, Mailbox
from bot.handover.sealed import FIELD, KEY_FIELD, Opener
from bot.system import state_paths
from bot.system.clock import TZ
from bot.system.files import replace_retrying, safe_name, write_atomic
from bot.system.processes import alive, me

WAITING, CODE_FILE, READY_FILE, RESEND_FILE = (
    state_paths.WAITING,
    state_paths.CODE,
    state_paths.READY,
    state_paths.RESEND,
)
DASHBOARD = "tableau-de-bord"  # a drop's `via` when the dashboard wrote it (the report says who handed the code)
ANSWER_FILE = state_paths.ANSWER
POLL_SECONDS = 0.2
CODE_TTL = 300.0  # the portal's SMS codes die after about 5 minutes: a dropped code never outlives that


def handover_dir(state_dir: Path, account: str) -> Path:
    return Path(state_dir) / state_paths.HANDOVER / safe_name(account)


def take_file(path: Path) -> dict | None:
    """Atomically claims and deletes `path`; None when absent (or claimed by someone else)."""
    claimed = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.taken")
    try:
        replace_retrying(path, claimed)  # an antivirus reading the fresh file holds it for a moment
    except FileNotFoundError:
        return None
    try:
        return json.loads(claimed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    finally:
        claimed.unlink(missing_ok=True)


def read_waiting(folder: Path) -> dict | None:
    """The run waiting in `folder`, if it is still alive (a killed run leaves its file behind)."""
    try:
        info = json.loads((folder / WAITING).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    # the process table, on every system (no « always alive » on Windows): pid and start time
    return info if isinstance(info, dict) and alive(info.get("pid"), info.get("created")) else None


def sweep_stale(state_dir: Path, clock=time.time) -> int:
    """Deletes dropped codes that no run will take: older than CODE_TTL, or whose run is gone
    (killed while waiting). Run at the start of every command; returns how many were deleted."""
    root = Path(state_dir) / state_paths.HANDOVER
    removed = 0
    try:
        folders = [d for d in root.iterdir() if d.is_dir()] if root.is_dir() else []
    except OSError:
        return 0
    for folder in folders:
        alive = read_waiting(folder) is not None
        for path in [folder / CODE_FILE, *folder.glob(f".{CODE_FILE}.*")]:
            try:
                age = clock() - path.stat().st_mtime
            except OSError:
                continue
            # `.code.json.*` (being written or taken) is a second's business: older, its writer died.
            stale = age > CODE_TTL or not alive if path.name == CODE_FILE else age > 5
            if stale:
                path.unlink(missing_ok=True)
                removed += 1
    if removed:
        logger.info("{} code(s) déposé(s) et jamais pris supprimé(s) (expirés ou connexion arrêtée).", removed)
    return removed


class DropboxChannel(Channel):
    shows_pictures = True  # the question's screenshot is named in the waiting file (the dashboard shows it)
    name = "otp-commande"

    def __init__(
        self,
        mailbox: Mailbox,
        folder: Path,
        run_id: str,
        local_url: str | None = None,
        clock=time.time,
        account: str = "",
    ):
        self.mailbox, self.folder, self.run_id, self.account = mailbox, folder, run_id, account
        self.local_url = local_url
        self.clock = clock
        self.since = 0.0
        self.phase = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._opener = Opener()  # its private half stays in this process's memory

    def open(self, phase: str, hint: str = "", picture=None) -> None:
        """`picture`: the portal's question (a captcha screenshot in the audit folder), named in the
        file so the dashboard can show it."""
        self.phase, self.since = phase, self.clock()
        # Anything dropped before this moment answered an older request: refuse it.
        shown = str(Path(picture).resolve()) if phase == "question" and picture else ""  # read from elsewhere
        write_atomic(
            self.folder / WAITING,
            {
                "run_id": self.run_id,
                **me(),
                "phase": phase,
                "account": self.account,
                "since": self.since,
                "local_url": self.local_url,
                "picture": shown,
                KEY_FIELD: self._opener.public,
            },
        )
        if self._thread is None:
            self.mailbox.channel_opened(self.name)
            self._thread = threading.Thread(target=self._watch, name="otp-dropbox", daemon=True)
            self._thread.start()

    def refused(self) -> None:
        self.open("code")  # a new code is needed: earlier drops are stale

    def close(self) -> None:
        self._stop.set()
        for name in (WAITING, CODE_FILE, READY_FILE, RESEND_FILE, ANSWER_FILE):  # no code stays on disk
            (self.folder / name).unlink(missing_ok=True)

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self._take_code()
            self._take_answer()
            for file_name, kind in ((READY_FILE, READY), (RESEND_FILE, RESEND)):
                data = self._unseal(take_file(self.folder / file_name))
                if data is not None and self._fresh(data, kind):
                    self.mailbox.post(kind, self._via(data))

    def _take_answer(self) -> None:
        self._take(
            ANSWER_FILE,
            "answer",
            self.mailbox.offer_answer,
            "réponse",
            "Réponse déposée par « damancom-bot answer » vide ou trop longue : ignorée.",
        )

    def _take_code(self) -> None:
        self._take(
            CODE_FILE,
            "code",
            self.mailbox.offer_code,
            "code",
            "Code déposé par « damancom-bot otp » mal formé : ignoré.",
        )

    def _take(self, file_name: str, key: str, offer, what: str, refused: str) -> None:
        """Claims a dropped value, checks it is fresh, and offers it to the run (`offer` validates)."""
        data = self._unseal(take_file(self.folder / file_name))
        if data is None or not self._fresh(data, what):
            return
        try:
            offer(str(data.get(key, "")), self._via(data))
        except BadInput:  # a malformed code is bad input too
            logger.warning(refused)

    def _via(self, data: dict) -> str:
        """Who dropped it: the dashboard says so; anything else is `otp`/`ready`/`answer`."""
        return DASHBOARD if data.get("via") == DASHBOARD else self.name

    def _unseal(self, data: dict | None) -> dict | None:
        """A sealed drop opened with this run's key (plain ones, from older versions, as they are)."""
        if data is None or FIELD not in data:
            return data
        opened = self._opener.open(data)
        if opened is None:
            logger.warning("Dépôt scellé pour une autre connexion (ou altéré) : ignoré.")
        return opened

    def _fresh(self, data: dict, what: str) -> bool:
        try:
            delivered = float(data.get("at", 0))
        except (TypeError, ValueError):
            delivered = 0.0
        if what == "code" and self.clock() - delivered > CODE_TTL:
            logger.warning("Code déposé il y a plus de {} min : expiré, ignoré.", int(CODE_TTL // 60))
            return False
        if delivered < self.since:
            when = datetime.fromtimestamp(delivered, TZ).strftime("%H:%M:%S")
            logger.warning("Dépôt « {} » de {} ignoré : il précède la demande en cours.", what, when)
            return False
        return True
