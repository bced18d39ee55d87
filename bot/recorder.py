"""Screenshots of every screen into `recordings/<run-id>/`, secret fields always masked."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from pathlib import Path

from loguru import logger

from bot.errors import ConfigError

# Masked on every screenshot, whatever the page: a password field's bullets reveal its length,
# and a code field shows the code itself.
SECRET_FIELDS = ("input[type=password]", "input[autocomplete=one-time-code]", "input[inputmode=numeric]",
                 "input[maxlength='6']")


def new_run_id(now: datetime | None = None) -> str:
    return f"{(now or datetime.now()):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


class Recorder:
    def __init__(self, root: Path, run_id: str | None = None):
        self.run_id = run_id or new_run_id()
        self.folder = Path(root) / self.run_id
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"Impossible d'écrire dans le dossier des enregistrements « {root} » ({exc.strerror}). "
                "Choisissez un dossier accessible avec DAMANCOM_RECORDINGS.") from None
        self.shots: list[Path] = []

    def screenshot(self, page, step: str, extra_masks=()) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-") or "ecran"
        path = self.folder / f"{len(self.shots) + 1:02d}-{slug}.png"
        masks = [page.locator(css) for css in SECRET_FIELDS] + list(extra_masks)
        page.screenshot(path=str(path), full_page=True, mask=masks, mask_color="#000000", animations="disabled")
        self.shots.append(path)
        logger.debug("Capture d'écran {}", path.name)
        return path

    def try_screenshot(self, page, step: str) -> Path | None:
        """On a failure path: a screenshot if the page still allows one, never a new error."""
        try:
            return self.screenshot(page, step)
        except Exception as exc:  # noqa: BLE001 - the original failure matters more
            logger.warning("Capture d'écran impossible ({}) : {}", step, str(exc).splitlines()[0])
            return None
