"""`damancom-bot app --install-shortcut`: an icon that opens the dashboard. Windows: a .lnk on the
desktop and in the Start menu, written by PowerShell's WScript.Shell (no extra library); Linux: a
.desktop file in the applications menu (and on the desktop when there is one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.errors import ConfigError

NAME = "Damancom - tableau de bord"
COMMENT = "Déclaration CNSS : ouvre le tableau de bord de damancom-bot"


def command() -> list[str]:
    """How the shortcut starts the dashboard: the installed `damancom-bot` when there is one, else
    this Python with `-m bot` (the project folder then stays the working folder)."""
    found = shutil.which("damancom-bot")
    return [found, "app"] if found else [sys.executable, "-m", "bot", "app"]


def _ps_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def powershell_script(targets: list[Path], argv: list[str], workdir: Path) -> str:
    """The PowerShell text creating each .lnk (quoted for paths with spaces, accents and apostrophes)."""
    target, arguments = argv[0], " ".join(f'"{a}"' if " " in a else a for a in argv[1:])
    lines = ["$shell = New-Object -ComObject WScript.Shell"]
    for link in targets:
        lines += [f"$s = $shell.CreateShortcut({_ps_quote(str(link))})",
                  f"$s.TargetPath = {_ps_quote(target)}",
                  f"$s.Arguments = {_ps_quote(arguments)}",
                  f"$s.WorkingDirectory = {_ps_quote(str(workdir))}",
                  f"$s.Description = {_ps_quote(COMMENT)}",
                  "$s.Save()"]
    return "\n".join(lines) + "\n"


def desktop_entry(argv: list[str], workdir: Path) -> str:
    def quoted(arg: str) -> str:  # the Desktop Entry spec's quoting
        if not any(ch in arg for ch in ' \t"\'\\><~|&;$*?#()`'):
            return arg
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$") + '"'

    return ("[Desktop Entry]\nType=Application\nVersion=1.0\n"
            f"Name={NAME}\nComment={COMMENT}\nExec={' '.join(quoted(a) for a in argv)}\n"
            f"Path={workdir}\nTerminal=false\nCategories=Office;Finance;\n")


def windows_targets(environ) -> list[Path]:
    home = Path(environ.get("USERPROFILE") or Path.home())
    start_menu = Path(environ.get("APPDATA") or home / "AppData" / "Roaming") / "Microsoft" / "Windows" / \
        "Start Menu" / "Programs"
    return [home / "Desktop" / f"{NAME}.lnk", start_menu / f"{NAME}.lnk"]


def linux_targets(environ) -> list[Path]:
    home = Path(environ.get("HOME") or Path.home())
    data = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    targets = [data / "applications" / "damancom-bot-app.desktop"]
    desktop = home / "Desktop"
    if desktop.is_dir():
        targets.append(desktop / "damancom-bot-app.desktop")
    return targets


def install(environ, workdir: Path, platform: str = sys.platform) -> list[Path]:
    argv = command()
    if platform == "win32":
        targets = windows_targets(environ)
        script = powershell_script(targets, argv, workdir)
        try:
            subprocess.run(["powershell", "-NoProfile", "-NonInteractive", "-Command", "-"], input=script,
                           text=True, encoding="utf-8", capture_output=True, check=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            raise ConfigError("Le raccourci n'a pas pu être créé (PowerShell a refusé). Lancez plutôt "
                              "« damancom-bot app » dans un terminal.") from None
        return targets
    targets = linux_targets(environ)
    entry = desktop_entry(argv, workdir)
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(entry, encoding="utf-8")
        os.chmod(target, 0o755)  # desktops only launch executable entries
    return targets
