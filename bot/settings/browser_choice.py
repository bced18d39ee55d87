"""DAMANCOM_BROWSER's value read: which browser the person named, checked when the configuration is
read (before anything is opened), here below the settings; finding and launching it: `bot/run/browser.py`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from bot.errors import ConfigError

CHANNELS = {
    "chrome",
    "chrome-beta",
    "chrome-dev",
    "chrome-canary",
    "msedge",
    "msedge-beta",
    "msedge-dev",
    "msedge-canary",
    "chromium",
}


@dataclass(frozen=True)
class BrowserChoice:
    how: str  # "managed", "channel", "executable", "remote" or "devtools"
    value: str | None = None

    def describe(self) -> str:
        return {
            "managed": "Chromium de Playwright",
            "channel": f"navigateur installé ({self.value})",
            "executable": f"navigateur {self.value}",
            "remote": f"serveur Playwright distant {self.value}",
            "devtools": f"navigateur déjà ouvert (DevTools {self.value})",
        }[self.how]


def from_override(override: str, exists: Callable[[str], bool] = os.path.exists) -> BrowserChoice:
    """DAMANCOM_BROWSER, checked when the configuration is read: before anything is opened."""
    if override.startswith(("ws://", "wss://")):
        return BrowserChoice("remote", override)
    if override.startswith(("http://", "https://")):  # a Chromium started with --remote-debugging-port
        return BrowserChoice("devtools", override)
    if override in CHANNELS:
        return BrowserChoice("channel", override)
    if exists(override):
        return BrowserChoice("executable", override)
    raise ConfigError(
        f"DAMANCOM_BROWSER vaut « {override} » : ce n'est ni un canal connu (chrome, msedge…), "
        "ni un fichier existant, ni une adresse ws:// ou http://. Corrigez la valeur ou supprimez-la."
    )
