"""Cross-process exclusive locks (OS file locks): one scheduler per state dir, one run per account."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from bot.errors import ConfigError


@contextmanager
def exclusive(path: Path, refusal: str, error: type = ConfigError):
    """Holds the lock at `path` or refuses at once with `error(refusal)` (French): never waits."""
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise error(refusal) from None
    try:
        yield
    finally:
        lock.release()
