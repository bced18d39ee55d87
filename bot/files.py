"""Small file helpers shared by the state-dir users."""

from __future__ import annotations

import json
import re
import os
from pathlib import Path


def write_atomic(path: Path, data: dict) -> None:
    """Readers see the old content or the new one, never half a file; private permissions."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)


def safe_name(text: str, default: str = "compte") -> str:
    """An account name usable as a file or folder name on every system."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text or "") or default
