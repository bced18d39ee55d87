"""`manifest.jsonl`: one JSON line per step, each carrying the hash of the line before (a chain),
and the sha256 of the file it names. Changing, removing, adding or reordering anything shows."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

NAME = "manifest.jsonl"
GENESIS = "0" * 64
MAX_BYTES = 16 * 1024 * 1024  # a run writes a few dozen lines; a link to /dev/zero must not fill memory


class ManifestUnreadable(ValueError):
    """The manifest cannot be a run's: not an ordinary file, too large, or not UTF-8 text. `why` in French."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ManifestWriter:
    def __init__(self, folder: Path):
        self.path = folder / NAME
        self.seq = 0
        self.prev = GENESIS

    def append(self, record: dict) -> dict:
        self.seq += 1
        line = json.dumps({"seq": self.seq, **record, "prev": self.prev}, ensure_ascii=False, sort_keys=False)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
        self.prev = sha256_text(line)
        return json.loads(line)


def read_raw(folder: Path) -> bytes:
    """The manifest's bytes, read within bounds (OSError when it cannot be opened at all)."""
    from bot.system.files import NotRegularFile, read_regular

    try:
        raw = read_regular(folder / NAME, MAX_BYTES)
    except NotRegularFile as exc:
        raise ManifestUnreadable(f"{NAME} est {exc.kind}, pas un fichier ordinaire") from None
    if len(raw) > MAX_BYTES:
        raise ManifestUnreadable(
            f"{NAME} dépasse {MAX_BYTES // 1024 // 1024} Mo, bien plus qu'une exécution n'en écrit"
        )
    return raw


def read_lines(folder: Path) -> list[str]:
    try:
        return read_raw(folder).decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise ManifestUnreadable(f"{NAME} n'est pas du texte UTF-8") from None


def read_records(folder: Path) -> list[dict]:
    return [json.loads(line) for line in read_lines(folder) if line.strip()]
