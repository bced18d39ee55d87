"""`damancom-bot app --install-shortcut`: an icon that opens the dashboard. Windows: a .lnk on the
desktop and in the Start menu, written by PowerShell's WScript.Shell (no extra library), in the
folders the shell names (OneDrive moves the desktop on most home PCs); Linux: a .desktop file in
the applications menu (and on the desktop when there is one)."""

from __future__ import annotations

import base64
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


# Known folders, asked of the shell: %USERPROFILE%\Desktop is not the desktop once OneDrive (or a
# company policy) has moved it; the same for the Start menu.
KNOWN_FOLDERS = ("Desktop", "Programs")


def powershell_script(argv: list[str], workdir: Path) -> str:
    """The PowerShell text creating the .lnk in each known folder (quoted for paths with spaces,
    accents and apostrophes) and writing each path made, one a line, as base64 of its UTF-8: plain
    ASCII, whatever code page PowerShell's output goes through."""
    target, arguments = argv[0], " ".join(f'"{a}"' if " " in a else a for a in argv[1:])
    folders = ", ".join(f"[Environment]::GetFolderPath({_ps_quote(name)})" for name in KNOWN_FOLDERS)
    lines = [
        "$ErrorActionPreference = 'Stop'",
        "$shell = New-Object -ComObject WScript.Shell",
        f"foreach ($folder in @({folders})) {{",
        "  if (-not $folder) { continue }",
        f"  $path = Join-Path $folder {_ps_quote(NAME + '.lnk')}",
        "  $s = $shell.CreateShortcut($path)",
        f"  $s.TargetPath = {_ps_quote(target)}",
        f"  $s.Arguments = {_ps_quote(arguments)}",
        f"  $s.WorkingDirectory = {_ps_quote(str(workdir))}",
        f"  $s.Description = {_ps_quote(COMMENT)}",
        "  $s.Save()",
        "  Write-Output ([Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($path)))",
        "}",
    ]
    return "\n".join(lines) + "\n"


def powershell_command(script: str) -> list[str]:
    """The script as -EncodedCommand (base64 of UTF-16LE): no code page between us and PowerShell,
    so an accented path arrives as written (text piped on stdin is read in the console's code page)."""
    encoded = base64.b64encode(script.encode("utf-16-le")).decode("ascii")
    return ["powershell", "-NoProfile", "-NonInteractive", "-EncodedCommand", encoded]


def made_paths(stdout: bytes) -> list[Path]:
    """The paths the script wrote (each line base64 of UTF-8); anything else on its output is ignored."""
    import binascii

    paths = []
    for line in stdout.decode("ascii", "replace").split():
        try:
            paths.append(Path(base64.b64decode(line, validate=True).decode("utf-8")))
        except (binascii.Error, UnicodeDecodeError):
            continue
    return paths


def desktop_entry(argv: list[str], workdir: Path) -> str:
    def quoted(arg: str) -> str:  # the Desktop Entry spec's quoting
        if not any(ch in arg for ch in " \t\"'\\><~|&;$*?#()`"):
            return arg
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$") + '"'

    return (
        "[Desktop Entry]\nType=Application\nVersion=1.0\n"
        f"Name={NAME}\nComment={COMMENT}\nExec={' '.join(quoted(a) for a in argv)}\n"
        f"Path={workdir}\nTerminal=false\nCategories=Office;Finance;\n"
    )


def linux_targets(environ) -> list[Path]:
    home = Path(environ.get("HOME") or Path.home())
    data = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    targets = [data / "applications" / "damancom-bot-app.desktop"]
    desktop = home / "Desktop"
    if desktop.is_dir():
        targets.append(desktop / "damancom-bot-app.desktop")
    return targets


def install(environ, workdir: Path, platform: str = sys.platform, run=subprocess.run) -> list[Path]:
    argv = command()
    if platform == "win32":
        try:
            done = run(
                powershell_command(powershell_script(argv, workdir)),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=True,
                timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            raise ConfigError(
                "Le raccourci n'a pas pu être créé (PowerShell a refusé). Lancez plutôt "
                "« damancom-bot app » dans un terminal."
            ) from None
        made = made_paths(done.stdout)
        if not made:
            raise ConfigError(
                "Le raccourci n'a pas pu être créé : Windows n'indique ni Bureau ni menu Démarrer. "
                "Lancez plutôt « damancom-bot app » dans un terminal."
            )
        return made
    targets = linux_targets(environ)
    entry = desktop_entry(argv, workdir)
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(entry, encoding="utf-8")
        os.chmod(target, 0o755)  # desktops only launch executable entries
    return targets
