"""The side of `otp` and `ready` that runs in another terminal: find the waiting run, drop a file."""

from __future__ import annotations

import time
from pathlib import Path

from bot.env import Env
from bot.errors import BadInput, ConfigError
from bot.handover import dropbox
from bot.handover.sealed import KEY_FIELD, seal
from bot.settings import table
from bot.settings.config import state_dir
from bot.system import state_paths
from bot.system.files import write_atomic

ACK_SECONDS = 3.0  # how long to wait to tell the person their code was taken


def find_waiting(env: Env, account: str | None, *, phase: str) -> tuple[str, Path, dict]:
    """The run a code (or « ready ») is for. With a default account configured (DAMANCOM_ACCOUNT,
    else DAMANCOM_IDENTIFIER) only that account's run takes it: a code typed for one account must
    never spend a try of another's. Without one, only when exactly one run waits; with several
    waiting, never a guess: the person names the account."""
    root = state_dir(env.environ) / state_paths.HANDOVER
    waiting = [d for d in sorted(root.glob("*")) if dropbox.read_waiting(d)] if root.is_dir() else []
    if account is None and len(waiting) > 1:  # several accounts' runs (login --all, the scheduler)
        names = ", ".join(_account_of(d) for d in waiting)
        raise ConfigError(f"Plusieurs connexions attendent ({names}) : précisez --account NOM.")
    if account is None:
        account = (table.ACCOUNT.text(env.environ) or table.IDENTIFIER.text(env.environ)) or None
    if account is None:
        if not waiting:
            raise BadInput(
                "Aucune connexion n'attend de code en ce moment. "
                "Lancez d'abord la connexion (damancom-bot login), puis donnez le code."
            )
        account = _account_of(waiting[0])
    folder = dropbox.handover_dir(state_dir(env.environ), account)
    info = dropbox.read_waiting(folder)
    if info is None:
        raise BadInput(
            f"Aucune connexion n'attend en ce moment pour le compte « {account or '?'} ». "
            "Lancez d'abord la connexion (damancom-bot login), puis donnez le code."
        )
    if phase == "code" and info.get("phase") != "code":
        raise BadInput(
            "La connexion attend d'abord votre confirmation : aucun SMS n'a encore été demandé. "
            "Lancez « damancom-bot ready », puis donnez le code reçu."
        )
    if phase == "question" and info.get("phase") != "question":
        raise BadInput("La connexion ne pose pas de question en ce moment : rien à répondre.")
    if phase == "ready" and info.get("phase") != "ready":
        raise BadInput(
            "La connexion n'attend pas de confirmation : le SMS a déjà été demandé. "
            "Donnez le code avec « damancom-bot otp CODE »."
        )
    return account, folder, info


def _account_of(folder: Path) -> str:
    info = dropbox.read_waiting(folder) or {}
    return str(info.get("account") or folder.name)


def deliver(path: Path, data: dict, clock=time.time) -> bool:
    """Drops `data` atomically, sealed for the waiting run when it published its key (a code left
    behind by a run that died is then unreadable); True when the run took it within a few seconds."""
    payload = {**data, "at": clock()}
    key = (dropbox.read_waiting(path.parent) or {}).get(KEY_FIELD)
    try:
        sealed = seal(str(key), payload) if key else payload
    except ValueError:  # binascii.Error included: not a key any bot wrote
        raise BadInput(
            f"Le fichier d'attente de {path.parent} est abîmé (clé illisible) : rien n'a été déposé. "
            "Relancez la connexion, puis donnez le code."
        ) from None
    write_atomic(path, sealed)
    deadline = time.monotonic() + ACK_SECONDS
    while time.monotonic() < deadline:  # a file, not a page: polling is the portable way
        if not path.exists():
            return True
        time.sleep(0.05)
    return not path.exists()
