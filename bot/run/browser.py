"""Finding and launching a Chromium-family browser.

Order: DAMANCOM_BROWSER (channel, executable path, ws:// Playwright server or http:// DevTools
endpoint of a Chromium already running); Playwright's own
Chromium; an installed Google Chrome or Microsoft Edge; the system's Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping

from bot.errors import BrowserNotFound
from bot.settings.browser_choice import CHANNELS, BrowserChoice, from_override  # noqa: F401 - read with the settings

# Chromium reads only the last --disable-features it is given: a launch through Playwright would
# lose Playwright's own list (its switches come first), so that list is repeated here, then ours.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
# Each browser context is a window, and each window of a recent Chromium loads two WebUI pages for
# its address bar's suggestions, each in a renderer of its own, plus a spare renderer kept warm for
# the next site: about 0.8 s of CPU per context for windows nobody types in (bench/login_cpu.py).
LEAN_DISABLED_FEATURES = (
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "WebUIOmniboxFullPopup",
    "PreloadTopChromeWebUI",
    "SpareRendererForSitePerProcess",
)
# Background networking and component updates only make Chromium knock on Google's doors;
# behind a closed network they fail noisily and slow the start.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + LEAN_DISABLED_FEATURES),
]
SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium")

# The bot's own interpreter: the command works from any folder (`uv run` only inside the project's).
INSTALL_HINT = (
    "Aucun navigateur compatible n'a été trouvé. Installez Google Chrome (https://www.google.com/chrome/) "
    f'ou Microsoft Edge ; ou bien exécutez « "{sys.executable}" -m playwright install chromium » ; sous '
    "Debian/Ubuntu : « sudo apt-get install chromium ». Vous pouvez aussi indiquer le navigateur dans DAMANCOM_BROWSER."
)


def _installed_channels(platform: str, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    if platform.startswith("win"):
        roots = [environ.get(k) for k in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        out = []
        for root in filter(None, roots):
            out.append(("chrome", str(Path(root, "Google", "Chrome", "Application", "chrome.exe"))))
            out.append(("msedge", str(Path(root, "Microsoft", "Edge", "Application", "msedge.exe"))))
        return out
    if platform == "darwin":
        return [
            ("chrome", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
            ("msedge", "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"),
        ]
    return [("chrome", "/opt/google/chrome/chrome"), ("msedge", "/opt/microsoft/msedge/msedge")]


def choose(
    override: str | None,
    *,
    managed_path: str | None,
    platform: str = sys.platform,
    environ: Mapping[str, str] | None = None,
    exists: Callable[[str], bool] = os.path.exists,
    which: Callable[[str], str | None] = shutil.which,
) -> BrowserChoice:
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


def launch(playwright, choice: BrowserChoice, *, headless: bool, env: Mapping[str, str] | None = None):
    """`env`: the browser's environment (a visible window on an Xvfb screen: `window_screen`)."""
    chromium = playwright.chromium
    if choice.how == "remote":
        return chromium.connect(choice.value)
    if choice.how == "devtools":  # the run gets its own context; closing disconnects, the browser stays
        return chromium.connect_over_cdp(choice.value)
    options = {"headless": headless, "args": LAUNCH_ARGS}
    if env is not None:
        options["env"] = dict(env)
    if choice.how == "channel":
        options["channel"] = choice.value
    elif choice.how == "executable":
        options["executable_path"] = choice.value
    return chromium.launch(**options)


def launch_failed(choice: BrowserChoice, exc: BaseException) -> BrowserNotFound:
    """The French error for a browser that was found but did not start (or was not where expected):
    what really happened, never « no compatible browser found » for a browser that is there."""
    from bot.output.playwright_fr import launch_failure, not_installed

    if not_installed(exc):
        return BrowserNotFound(
            f"Le navigateur choisi ({choice.describe()}) est introuvable sur le disque. " + INSTALL_HINT
        )
    return BrowserNotFound(
        f"Le navigateur ({choice.describe()}) a été trouvé mais n'a pas pu démarrer : "
        f"{launch_failure(exc)}. Si cela se répète, indiquez un autre navigateur dans "
        "DAMANCOM_BROWSER (chrome, msedge, ou le chemin d'un navigateur)."
    )


def find(playwright, override: str | None) -> BrowserChoice:
    return choose(override, managed_path=playwright.chromium.executable_path)


# A visible window, when the portal refuses headless browsers ---------------------------------
def no_window_reason(
    choice_how: str,
    *,
    platform: str = sys.platform,
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> str | None:
    """Why no visible window can be opened here, in French; None when one can."""
    environ = os.environ if environ is None else environ
    if choice_how == "remote":
        return (
            "DAMANCOM_BROWSER désigne un serveur Playwright sur une autre machine (ws://…) ; ses navigateurs "
            "s'ouvrent là-bas, et le bot ne peut pas en ouvrir une fenêtre sur votre écran. Ce qu'il y fait : tout "
            "le reste, sans fenêtre (connexion, dépôt, captures et rapports écrits sur cet ordinateur), tant que le "
            "portail accepte un navigateur invisible. Pour ce compte : retirez DAMANCOM_BROWSER du .env le temps "
            "de lancer « damancom-bot login --account NOM » sur cet ordinateur (une fenêtre s'y ouvrira), puis "
            "remettez-le"
        )
    if choice_how == "devtools":
        return (
            "DAMANCOM_BROWSER désigne un navigateur déjà ouvert (http://…), où le bot ne peut pas ouvrir de "
            "fenêtre : retirez DAMANCOM_BROWSER (le bot prendra Chrome ou Edge), ou ouvrez ce navigateur avec "
            "une fenêtre visible"
        )
    if not platform.startswith("linux") or environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None  # Windows and macOS: the session's own desktop
    if which("Xvfb"):
        return None
    return (
        "cet ordinateur n'a pas d'écran (DISPLAY vide) et Xvfb n'est pas installé : lancez le bot depuis votre "
        "session graphique, ou installez Xvfb (« sudo apt-get install xvfb »)"
    )


@contextmanager
def window_screen(
    *,
    platform: str = sys.platform,
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> Iterator[dict[str, str] | None]:
    """The environment a visible window opens in: None (the session's own screen), or the environment
    with the DISPLAY of an Xvfb started for this run and stopped with it (Linux without a screen)."""
    environ = os.environ if environ is None else environ
    xvfb = which("Xvfb")
    if not platform.startswith("linux") or environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY") or not xvfb:
        yield None
        return
    read, write = os.pipe()  # -displayfd: Xvfb picks a free display and writes its number once it accepts clients
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as announced:
            number = announced.readline().strip()
        if not number:
            raise BrowserNotFound(
                f"L'écran virtuel Xvfb n'a pas démarré (code {server.wait()}) : lancez le bot depuis "
                "votre session graphique."
            )
        yield {**environ, "DISPLAY": f":{number}"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def own_browser(
    choice: BrowserChoice,
    *,
    platform: str = sys.platform,
    environ: Mapping[str, str] | None = None,
    exists: Callable[[str], bool] = os.path.exists,
) -> BrowserChoice:
    """The window opens in the person's own Chrome or Edge when installed; a browser they chose stays."""
    if choice.how != "managed":
        return choice
    environ = os.environ if environ is None else environ
    for channel, path in _installed_channels(platform, environ):
        if exists(path):
            return BrowserChoice("channel", channel)
    return choice
