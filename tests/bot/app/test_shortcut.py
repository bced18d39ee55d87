"""The Windows shortcut, read from the code (CI's Windows run has no desktop session): the PowerShell
text asks the shell for the known folders (OneDrive's desktop), travels as -EncodedCommand (accents
intact), and the paths it reports are the ones shown."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from bot.app import shortcut
from bot.errors import ConfigError

USER = "C:\\Users\\Pharmacie d'Anfa Élodie"
EXE = USER + "\\.local\\bin\\damancom-bot.exe"


def script_of(command: list[str]) -> str:
    assert command[:4] == ["powershell", "-NoProfile", "-NonInteractive", "-EncodedCommand"] and len(command) == 5
    return base64.b64decode(command[4]).decode("utf-16-le")


def said(*paths: str) -> bytes:
    """What the script writes: one base64 line of UTF-8 per link made (\\r\\n, as PowerShell does)."""
    return b"".join(base64.b64encode(p.encode("utf-8")) + b"\r\n" for p in paths)


def test_the_script_asks_the_shell_for_the_desktop_and_start_menu_and_quotes_paths():
    script = shortcut.powershell_script([EXE, "app"], Path(USER))
    assert "[Environment]::GetFolderPath('Desktop'), [Environment]::GetFolderPath('Programs')" in script
    assert "USERPROFILE" not in script and "\\Desktop" not in script
    assert "$s.TargetPath = 'C:\\Users\\Pharmacie d''Anfa Élodie\\.local\\bin\\damancom-bot.exe'" in script
    assert "$s.WorkingDirectory = 'C:\\Users\\Pharmacie d''Anfa Élodie'" in script
    assert "$path = Join-Path $folder 'Damancom - tableau de bord.lnk'" in script
    assert "$s.Arguments = 'app'" in script and "$s.Save()" in script
    assert "ToBase64String([System.Text.Encoding]::UTF8.GetBytes($path))" in script


def test_install_sends_the_script_encoded_and_shows_the_folders_the_shell_chose(monkeypatch):
    monkeypatch.setattr(shortcut, "command", lambda: [EXE, "app"])
    calls = []
    onedrive = USER + "\\OneDrive - Pharmacie\\Bureau\\Damancom - tableau de bord.lnk"
    menu = USER + "\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Damancom - tableau de bord.lnk"

    def powershell(command, **options):
        calls.append((command, options))
        return subprocess.CompletedProcess(command, 0, said(onedrive, menu), b"")

    made = shortcut.install({"USERPROFILE": USER}, Path(USER), platform="win32", run=powershell)
    assert made == [Path(onedrive), Path(menu)]
    ((command, options),) = calls
    assert "Élodie" in script_of(command)  # the accent arrives as written: no code page on the way
    assert options["stdin"] == subprocess.DEVNULL and "input" not in options and options["check"]
    assert all(part.isascii() for part in command)


def test_a_refusal_or_no_known_folder_is_a_clear_message():
    def refused(command, **options):
        raise subprocess.CalledProcessError(1, command)

    with pytest.raises(ConfigError, match="PowerShell a refusé"):
        shortcut.install({}, Path(USER), platform="win32", run=refused)
    with pytest.raises(ConfigError, match="ni Bureau ni menu Démarrer"):
        shortcut.install(
            {}, Path(USER), platform="win32", run=lambda command, **o: subprocess.CompletedProcess(command, 0, b"", b"")
        )


def test_the_paths_read_back_survive_any_code_page():
    path = USER + "\\Desktop\\Damancom - tableau de bord.lnk"
    assert shortcut.made_paths(said(path)) == [Path(path)]
    assert shortcut.made_paths(b"") == []
