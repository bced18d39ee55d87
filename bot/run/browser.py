"""Finding and launching a Chromium-family browser.

Order: DAMANCOM_BROWSER (channel, executable path, ws:// Playwright server or http:// DevTools
endpoint of a Chromium already running); Playwright's own
Chromium; an installed Google Chrome or Microsoft Edge; the system's Chromium.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from bot.errors import BrowserNotFound, ConfigError

# Background networking and component updates only make Chromium knock on Google's doors;
# behind a closed network they fail noisily and slow the start.
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
CHANNELS = {"chrome", "chrome-beta", "chrome-dev", "chrome-canary", "msedge", "msedge-beta", "msedge-dev",
            "msedge-canary", "chromium"}
SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium")

# The bot's own interpreter: the command works from any folder (`uv run` only inside the project's).
INSTALL_HINT = (
    "Aucun navigateur compatible n'a été trouvé. Installez Google Chrome (https://www.google.com/chrome/) "
    f"ou Microsoft Edge ; ou bien exécutez « \"{sys.executable}\" -m playwright install chromium » ; sous "
    "Debian/Ubuntu : « sudo apt-get install chromium ». Vous pouvez aussi indiquer le navigateur dans DAMANCOM_BROWSER."
)


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


def _installed_channels(platform: str, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    if platform.startswith("win"):
        roots = [environ.get(k) for k in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        out = []
        for root in filter(None, roots):
            out.append(("chrome", str(Path(root, "Google", "Chrome", "Application", "chrome.exe"))))
            out.append(("msedge", str(Path(root, "Microsoft", "Edge", "Application", "msedge.exe"))))
        return out
    if platform == "darwin":
        return [("chrome", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
                ("msedge", "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge")]
    return [("chrome", "/opt/google/chrome/chrome"), ("msedge", "/opt/microsoft/msedge/msedge")]


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
        "ni un fichier existant, ni une adresse ws:// ou http://. Corrigez la valeur ou supprimez-la.")


def choose(override: str | None, *, managed_path: str | None, platform: str = sys.platform,
           environ: Mapping[str, str] | None = None, exists: Callable[[str], bool] = os.path.exists,
           which: Callable[[str], str | None] = shutil.which) -> BrowserChoice:
    environ = os.environ if environ is None else environ
    if override:
        return from_override(override, exists)
    if managed_path and exists(managed_path):
        return BrowserChoice("managed")
    for channel, path in _installed_channels(platform, environ):
        if exists(path):
            return BrowserChoice("channel", channel)
    for path in SYSTEM_CHROMIUM:
        if exists(path):
            return BrowserChoice("executable", path)
    found = which("chromium") or which("chromium-browser")
    if found:
        return BrowserChoice("executable", found)
    raise BrowserNotFound(INSTALL_HINT)


def launch(playwright, choice: BrowserChoice, *, headless: bool):
    chromium = playwright.chromium
    if choice.how == "remote":
        return chromium.connect(choice.value)
    if choice.how == "devtools":  # the run gets its own context; closing disconnects, the browser stays
        return chromium.connect_over_cdp(choice.value)
    options = {"headless": headless, "args": LAUNCH_ARGS}
    if choice.how == "channel":
        options["channel"] = choice.value
    elif choice.how == "executable":
        options["executable_path"] = choice.value
    return chromium.launch(**options)


def find(playwright, override: str | None) -> BrowserChoice:
    return choose(override, managed_path=playwright.chromium.executable_path)
