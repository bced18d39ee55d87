"""`schedule --install`: a systemd unit that systemd accepts for any path, no restart loop on a
configuration error, linger; a Task Scheduler XML definition (no /TR, no time limit, battery, wake)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import time
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from bot.errors import ConfigError
from bot.schedule import install

NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


class Calls:
    def __init__(self, ok=lambda command: True):
        self.commands, self.ok = [], ok

    def __call__(self, command):
        self.commands.append(command)
        return self.ok(command)


def test_unit_quotes_paths_with_spaces_and_stops_restarting_on_configuration_errors(tmp_path):
    folder = tmp_path / "Mes Documents" / "bot 100%"
    folder.mkdir(parents=True)
    python = folder / "python 3"
    python.symlink_to(sys.executable)
    text = install.unit_text(folder, str(python))
    assert f'ExecStart="{str(python).replace("%", "%%")}" -m bot schedule' in text
    assert "RestartPreventExitStatus=2" in text and "Restart=on-failure" in text
    assert "SuccessExitStatus=130" in text  # `systemctl stop` (SIGTERM) is a clean stop, exit 130
    if shutil.which("systemd-analyze"):  # the real judge, where it exists
        unit = tmp_path / "damancom-bot.service"
        unit.write_text(text, encoding="utf-8")
        result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
        assert "not executable" not in result.stderr and "Invalid" not in result.stderr, result.stderr
        assert result.returncode == 0, result.stderr


def test_install_enables_linger(tmp_path):
    calls = Calls()
    lines = install.install({"XDG_CONFIG_HOME": str(tmp_path)}, tmp_path, platform="linux", run=calls)
    assert ["loginctl", "enable-linger"] in calls.commands
    assert any("linger" in line and "activé" in line for line in lines)


def test_install_explains_linger_when_it_cannot_enable_it(tmp_path):
    calls = Calls(ok=lambda command: command[0] != "loginctl")
    lines = install.install({"XDG_CONFIG_HOME": str(tmp_path)}, tmp_path, platform="linux", run=calls)
    assert "  loginctl enable-linger $USER" in lines
    assert any("ne tourne que lorsque vous êtes connecté" in line for line in lines)


def long_folder(tmp_path) -> Path:
    folder = tmp_path / "Pharmacie Al Amal & Fils" / ("Comptabilité déclarations CNSS " * 6).strip()
    assert len(str(folder)) > 261
    return folder


def test_task_definition_has_no_time_limit_runs_on_battery_wakes_and_restarts(tmp_path):
    folder = long_folder(tmp_path)
    python = str(folder / "venv" / "Scripts" / "python.exe")
    windows = ((time(6, 0), time(7, 30)), (time(21, 0), time(23, 30)))
    data = install.task_xml(folder, python, windows, user="PC\\pharmacien")
    assert data[:2] == b"\xff\xfe"  # UTF-16 with its byte-order mark, as schtasks /XML wants
    root = ET.fromstring(data.decode("utf-16").split("\n", 1)[1])
    get = lambda path: root.find(path, NS).text  # noqa: E731
    assert get("t:Actions/t:Exec/t:Command") == python  # any length: no /TR command line
    assert get("t:Actions/t:Exec/t:Arguments") == "-m bot.schedule.windowless"
    assert get("t:Actions/t:Exec/t:WorkingDirectory") == str(folder)
    assert get("t:Settings/t:ExecutionTimeLimit") == "PT0S"
    assert get("t:Settings/t:DisallowStartIfOnBatteries") == "false"
    assert get("t:Settings/t:StopIfGoingOnBatteries") == "false"
    assert get("t:Settings/t:WakeToRun") == "true"
    assert get("t:Settings/t:RestartOnFailure/t:Count") == "3"
    assert get("t:Triggers/t:LogonTrigger/t:UserId") == "PC\\pharmacien"
    starts = [e.text for e in root.findall("t:Triggers/t:CalendarTrigger/t:StartBoundary", NS)]
    assert [s[-8:] for s in starts] == ["05:55:00", "20:55:00"]  # awake before each window


def test_windows_install_registers_the_xml_and_prints_a_line_cmd_cannot_split(tmp_path):
    folder = long_folder(tmp_path)
    calls = Calls(ok=lambda command: False)  # schtasks unavailable: the person gets one line to type
    environ = {"DAMANCOM_STATE_DIR": str(tmp_path / "état"), "USERDOMAIN": "PC", "USERNAME": "pharmacien"}
    with pytest.raises(ConfigError) as failed:  # exit 2: nothing is registered
        install.install(environ, folder, platform="win32", run=calls)
    command = calls.commands[0]
    assert command[:5] == ["schtasks", "/Create", "/TN", "damancom-bot", "/XML"] and "/TR" not in command
    assert Path(command[5]).is_file() and Path(command[5]) == install.task_file(environ)
    assert "&&" not in failed.value.message
    assert failed.value.message.endswith(f'\n  schtasks /Create /TN damancom-bot /XML "{command[5]}" /F')


def test_install_fails_when_systemd_cannot_be_reached(tmp_path):
    calls = Calls(ok=lambda command: command[0] != "systemctl")
    with pytest.raises(ConfigError) as failed:
        install.install({"XDG_CONFIG_HOME": str(tmp_path)}, tmp_path, platform="linux", run=calls)
    assert failed.value.exit_code == 2 and "ni activé ni démarré" in failed.value.message
    assert "systemctl --user enable --now damancom-bot" in failed.value.message
    assert install.unit_path({"XDG_CONFIG_HOME": str(tmp_path)}).exists()  # written, ready for those commands


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX")
def test_uninstall_removes_the_unit(tmp_path):
    install.install({"XDG_CONFIG_HOME": str(tmp_path)}, tmp_path, platform="linux", run=Calls())
    assert install.unit_path({"XDG_CONFIG_HOME": str(tmp_path)}).exists()
    install.uninstall({"XDG_CONFIG_HOME": str(tmp_path)}, platform="linux", run=Calls())
    assert not install.unit_path({"XDG_CONFIG_HOME": str(tmp_path)}).exists()


def test_the_task_runs_pythonw_next_to_python_so_no_window_opens_at_log_on(tmp_path):
    scripts = tmp_path / "Pharmacie Élodie" / ".venv" / "Scripts"
    scripts.mkdir(parents=True)
    for name in ("python.exe", "pythonw.exe"):
        (scripts / name).write_bytes(b"MZ")
    root = ET.fromstring(install.task_xml(tmp_path, str(scripts / "python.exe")).decode("utf-16").split("\n", 1)[1])
    assert root.find("t:Actions/t:Exec/t:Command", NS).text == str(scripts / "pythonw.exe")
    (scripts / "pythonw.exe").unlink()  # a Python without it: the console one, still working
    assert install.windowless(str(scripts / "python.exe")) == str(scripts / "python.exe")


@pytest.mark.skipif(
    sys.platform == "win32",
    reason="a child started by subprocess inherits its parent's handles "
    "even under pythonw: the Task Scheduler gives none",
)
def test_the_windowless_entry_writes_where_pythonw_gives_no_streams(tmp_path):
    """The Task Scheduler starts pythonw.exe with no standard streams: closed descriptors do the same."""
    state = tmp_path / "état"

    def no_streams():
        os.close(1)
        os.close(2)

    env = {**os.environ, "DAMANCOM_STATE_DIR": str(state)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.schedule.windowless", "--help"],
        env=env,
        stdin=subprocess.DEVNULL,
        preexec_fn=no_streams,
        timeout=120,
        cwd=Path(install.__file__).parents[2],
    )
    assert result.returncode == 0
    text = (state / "planificateur-console.txt").read_text(encoding="utf-8")
    assert text.startswith("utilisation : damancom-bot schedule") and "--install" in text
    assert (state / "planificateur-console.txt").stat().st_mode & 0o077 == 0
