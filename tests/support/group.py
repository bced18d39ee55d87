"""A « compte groupe » on one sandbox: its two employers, the accounts file, and the accountant's
phone handing over each SMS of the group's login (every new one, once)."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.handover import dropbox
from bot.handover.client import deliver
from bot.sandbox.state import Account
from tests.support.accounts import sandbox_accounts

LOGIN = "CABINET-GROUPE"
PASSWORD = "Mot-De-Passe-Du-Cabinet-2025"


def group_portal_accounts() -> list[Account]:
    employers = sandbox_accounts(2)
    group = Account(
        identifier=LOGIN,
        password=PASSWORD,
        phone="0677001199",
        employer="Cabinet Comptable d'essai",
        affiliation="9000009",
        affiliates=[a.affiliation for a in employers],
    )
    return [*employers, group]


def write_group_file(path: Path, url: str, employers: list[Account], names=("un", "deux")) -> Path:
    lines = ["[groups.cabinet]", f'identifier = "{LOGIN}"', f'password = "{PASSWORD}"', f'url = "{url}"', ""]
    for name, employer in zip(names, employers):
        lines += [f"[accounts.{name}]", 'group = "cabinet"', f'affiliation = "{employer.affiliation}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    path.chmod(0o600)
    return path


class GroupPhone:
    """Each SMS of the group's login dropped for the run waiting under the group's name (any
    account's: `identifier`, `name`; `codes=False`: only « ready » is answered, no code given)."""

    def __init__(self, sandbox, state: Path, name: str = "cabinet", identifier: str = LOGIN, codes: bool = True):
        self.sandbox, self.state, self.name = sandbox, state, name
        self.identifier, self.codes = identifier, codes
        self.handed: dict[int, str] = {}  # SMS number -> code handed over
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def _waiting(self, phase: str = "code") -> bool:
        folder = dropbox.handover_dir(self.state, self.name)
        waiting = dropbox.read_waiting(folder) if folder.is_dir() else None
        return bool(waiting) and waiting.get("phase") == phase and waiting.get("account") == self.name

    def _serve(self) -> None:
        while not self.stop.is_set():
            ready = dropbox.handover_dir(self.state, self.name) / dropbox.READY_FILE
            if self._waiting("ready") and not ready.exists():  # unattended: « damancom-bot ready »
                deliver(ready, {})
            fresh = [
                s for s in self.sandbox.outbox.all() if s.identifier == self.identifier and s.seq not in self.handed
            ]
            if fresh and self.codes and self._waiting():
                sms = fresh[-1]
                deliver(dropbox.handover_dir(self.state, self.name) / dropbox.CODE_FILE, {"code": sms.code})
                self.handed[sms.seq] = sms.code
            self.stop.wait(0.05)
