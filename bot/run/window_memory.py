"""Which portals refused a headless browser, per identifier (the lockout guard's portal key):
later runs of that account open a visible window directly. A small JSON file in the state dir."""

from __future__ import annotations

from pathlib import Path

from loguru import logger

from bot.system import clock, state_paths
from bot.system.files import read_json_object, write_atomic

FILE = state_paths.WINDOW_MEMORY


class WindowMemory:
    def __init__(self, state_dir: Path):
        self.path = Path(state_dir) / FILE

    def _read(self) -> dict[str, dict]:
        try:
            data = read_json_object(self.path)
        except (OSError, ValueError) as exc:  # a lost memory costs one refused try, never a wrong filing
            logger.warning("Fichier {} illisible ({}) : le bot essaiera d'abord sans fenêtre.", self.path, exc)
            return {}
        return {str(k): v for k, v in data.items() if isinstance(v, dict)}

    def noted(self, key: str) -> str | None:
        """The day the portal refused a headless browser for `key`, or None."""
        entry = self._read().get(key)
        return str(entry.get("depuis", "?")) if entry else None

    def remember(self, key: str, reference: str = "") -> None:
        data = self._read()
        data[key] = {"depuis": clock.now().strftime("%d/%m/%Y"), "reference": reference}
        write_atomic(self.path, data)

    def forget(self, key: str) -> bool:
        data = self._read()
        if data.pop(key, None) is None:
            return False
        write_atomic(self.path, data)
        return True
