"""Which selector strategy found each element last time, per portal: a small JSON file in the state
dir (bot/system/state_paths.py). A run starts fresh every month; without it, its first look at each
screen asks the portal's page for every strategy of every element (two round trips where one does).
It only orders the tries: a winner that no longer matches is tried, then the others as always."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

from loguru import logger

from bot.system import state_paths
from bot.system.files import read_json_object, write_atomic
from flows.engine import locate

FILE = state_paths.SELECTOR_WINNERS
_writing = threading.Lock()  # `--all`: the accounts' threads end when they end, one file for all


def _portal(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _read(path: Path) -> dict:
    try:
        return read_json_object(path)
    except (OSError, ValueError) as exc:  # lost: the next run tries the files' order, as a first run does
        logger.debug("Mémoire des sélecteurs illisible ({}) : {}", path, exc)
        return {}


def recall(state_dir: Path, url: str) -> None:
    saved = _read(Path(state_dir) / FILE).get(_portal(url))
    if isinstance(saved, dict):
        locate.recall(saved)


def keep(state_dir: Path, url: str) -> None:
    """Never a reason for a run to fail: a file held by an antivirus is written next time."""
    path = Path(state_dir) / FILE
    with _writing:
        data = _read(path)
        data[_portal(url)] = locate.winners()
        try:
            write_atomic(path, data)
        except OSError as exc:
            logger.debug("Mémoire des sélecteurs non écrite ({}) : {}", path, exc)
