"""One code at a time per phone: accounts whose SMS reach the same phone take turns.

Three employers on one phone, their SMS within a second with the same text: the person cannot
tell which code is whose, and a wrong code spends one of the portal's few tries. So a run holds
its phone's turn (an OS file lock: across `login --all`'s threads, the scheduler's children and a
`login` typed in another terminal) from before the SMS until it ends; another account on the
same phone waits, and is told for whom.

Which phone: DAMANCOM_PHONE (the accounts file's `phone`), else the masked number the portal's
code screen showed last time (remembered here), else the Telegram chat the codes come through
(one chat, one person, one phone); else the account is on its own.
"""

from __future__ import annotations

import json
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from bot.errors import AccountBusy
from bot.handover.base import Channel
from bot.system import state_paths

PHONES_FILE = state_paths.PHONES  # account → the masked number its code screen showed


def key(settings) -> str:
    """The phone this account's codes go to, as a lock name."""
    digits = re.sub(r"\D", "", getattr(settings, "phone", "") or "")
    if digits:
        return "numero-" + ("0" + digits[3:] if digits.startswith("212") else digits)
    masked = remembered(settings.state_dir).get(settings.account)
    if masked:
        return "masque-" + re.sub(r"[^0-9]+", "x", masked).strip("x")
    if settings.telegram_chats:
        return "telegram-" + "-".join(str(c) for c in sorted(settings.telegram_chats))
    return "compte-" + settings.account


def remembered(state_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((Path(state_dir) / PHONES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def remember(state_dir: Path, account: str, masked: str) -> None:
    from filelock import FileLock

    from bot.system.files import write_atomic

    path = Path(state_dir) / PHONES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=30):
        known = remembered(state_dir)
        if known.get(account) != masked:
            write_atomic(path, {**known, account: masked})


@contextmanager
def turn(
    settings, say: Callable[[str], None], *, wait: float | None = None, clock: Callable[[], float] = time.monotonic
) -> Iterator[None]:
    """Holds this account's phone for the whole run; waits (at most `wait` seconds, a whole run's
    budget by default) while another account's run holds it, then refuses as busy (exit 7)."""
    from filelock import FileLock, Timeout

    from bot.system.files import key_name
    from bot.system.waiting import SLICE

    name = key(settings)
    folder = Path(settings.state_dir) / state_paths.LOCKS
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / f"telephone-{key_name(name)}.lock"))
    holder = folder / f"telephone-{key_name(name)}.json"
    limit = settings.run_budget + settings.ready_wait if wait is None else wait
    until, tries = clock() + limit, 0
    while True:
        try:  # short waits, one after the other: Ctrl-C reaches this one on Windows too
            lock.acquire(timeout=max(0.0, min(SLICE, until - clock())), poll_interval=0.05)
            break
        except Timeout:
            tries += 1
        if clock() >= until:
            raise AccountBusy(
                f"Le téléphone du compte {settings.account} reçoit encore le code du compte "
                f"{_holder(holder)} : pas de second SMS en même temps. Le bot réessaiera plus tard ; "
                "à la main, relancez quand l'autre connexion est finie."
            )
        if tries == 1:  # after one slice: the holder has written its name by now
            say(
                f"Compte {settings.account} : le téléphone qui reçoit ses codes attend déjà le code du compte "
                f"{_holder(holder)} ; ce compte passe après lui (un seul code à la fois par téléphone)."
            )
    try:
        holder.write_text(json.dumps({"account": settings.account}), encoding="utf-8")
        yield
    finally:
        lock.release()


def _holder(path: Path) -> str:
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["account"])
    except (OSError, ValueError, KeyError, TypeError):
        return "voisin (un autre compte)"


class PhoneMemory(Channel):
    """A silent hand-over channel: remembers the masked number the code screen shows (`key`)."""

    name = "telephone"
    knows_phone = True

    def __init__(self, state_dir: Path, account: str):
        self.state_dir, self.account = state_dir, account

    def open(self, phase: str, hint: str = "", picture=None) -> None:
        pass  # it asks nothing: it only listens for the number

    def phone_known(self, phone: str | None) -> None:
        if phone:
            try:
                remember(self.state_dir, self.account, phone)
            except OSError:
                pass  # only a hint for the next run's turn
