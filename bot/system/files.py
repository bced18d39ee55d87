"""Small file helpers shared by the state-dir users.

Everything the bot keeps (state, logs, ledger, recordings, traces with session cookies) is the
owner's alone: folders 0700, files 0600, whatever the umask. Windows has no such modes (its
per-user folders are already private): there the chmod calls are skipped quietly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path

POSIX = os.name == "posix"
MAX_NAME = 80  # characters kept from a name; longer ones get a short digest (file systems stop at 255 bytes)


def private_dir(path: Path) -> Path:
    """Creates `path` (and parents) if needed; the folder itself is made owner-only."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(path)  # also when it already existed (created by an older version, umask 022)
    return path


def private_opener(path, flags: int) -> int:
    """`open(..., opener=private_opener)`: a new file is created 0600, not 0644."""
    return os.open(path, flags, 0o600)


def make_private(path: Path) -> None:
    """Owner-only mode for a file written by a library that does not take a mode (SQLite, Playwright)."""
    if POSIX:
        try:
            os.chmod(path, 0o700 if Path(path).is_dir() else 0o600)
        except OSError:
            pass


def read_json_object(path: Path) -> dict:
    """A state file written by `write_atomic`: {} when there is none yet; OSError or ValueError when
    it cannot be read or is not a JSON object (each caller decides what a damaged file costs)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path} : un objet JSON était attendu")
    return data


def write_atomic(path: Path, data: dict) -> None:
    """Readers see the old content or the new one, never half a file; private permissions."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    replace_retrying(tmp, path)


REPLACE_TRIES = (0.05, 0.1, 0.2, 0.4, 0.8)  # seconds between tries: about 1.5 s in all


def replace_retrying(source: Path, target: Path, pauses=REPLACE_TRIES) -> None:
    """os.replace, tried again for a moment on PermissionError: on Windows an antivirus scanning a
    new file, OneDrive syncing it or a reader holding it open refuses the rename for a short while."""
    for pause in (*pauses, None):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if pause is None:
                raise
            time.sleep(pause)  # a retry pause, not a wait for a page


def safe_name(text: str, default: str = "compte") -> str:
    """An account name usable as a file or folder name on every system (and never too long)."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", text or "") or default
    if name in (".", ".."):
        name = name.replace(".", "_")
    if len(name) > MAX_NAME:
        name = name[: MAX_NAME - 13] + "-" + hashlib.sha256(name.encode()).hexdigest()[:12]
    return name


def key_name(*parts: str) -> str:
    """A file name for a key made of several values (portal identifier and portal URL): readable
    start, digest of the whole so two keys never share a file."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{safe_name(parts[0])[:40]}-{digest}"


class NotRegularFile(OSError):
    """A path that is not an ordinary file: a folder, a device (/dev/zero never ends), a pipe (a FIFO
    blocks the reader until someone writes), a socket. `kind` says which, in French."""

    def __init__(self, path, kind: str):
        super().__init__(f"{path}: {kind}")
        self.path, self.kind = path, kind


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISFIFO(mode):
        return "un tube (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une prise réseau (socket)"
    return "un périphérique"


def read_regular(path, limit: int) -> bytes:
    """At most `limit + 1` bytes of an ordinary file (the caller refuses what is longer than `limit`).
    Anything else is refused before it is opened: a FIFO would block at open, a device never ends.
    Opened non-blocking and looked at again once open, in case the path changed in between."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, _kind(mode))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, _kind(mode))
        return handle.read(limit + 1)
