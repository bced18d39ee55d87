"""`schedule --install/--uninstall`: a systemd user unit on Linux (with linger, so it runs after
boot without a session), a Task Scheduler task registered from an XML definition on Windows;
elsewhere, the exact steps to do by hand."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree as ET

from bot.errors import ConfigError
from bot.exit_codes import ExitCode

NAME = "damancom-bot"
TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"
Runner = Callable[[list[str]], bool]


def unit_path(environ) -> Path:
    base = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "systemd" / "user" / f"{NAME}.service"


def _systemd_word(word: str) -> str:
    """One ExecStart argument: quoted when needed, `\\` and `"` escaped, `%` and `$` doubled
    (systemd would read them as specifiers and variables)."""
    word = word.replace("%", "%%").replace("$", "$$")
    if any(c in word for c in " \t\"'\\;"):
        word = '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def unit_text(workdir: Path, python: str = sys.executable) -> str:
    command = " ".join(_systemd_word(w) for w in (python, "-m", "bot", "schedule"))
    # A configuration error (exit 2) needs a person: restarting every minute would change nothing.
    # `damancom-bot status` says why it stopped. Stopped by SIGTERM the bot exits 130: a clean stop.
    return f"""[Unit]
Description=damancom-bot : déclaration CNSS planifiée (Damancom)
After=network-online.target

[Service]
Type=simple
WorkingDirectory={str(workdir).replace("%", "%%")}
ExecStart={command}
Restart=on-failure
RestartSec=60
RestartPreventExitStatus={int(ExitCode.BAD_INPUT)}
SuccessExitStatus=130

[Install]
WantedBy=default.target
"""


def _run(command: list[str]) -> bool:
    if not shutil.which(command[0]):
        return False
    return subprocess.run(command, capture_output=True, text=True).returncode == 0


def windowless(python: str) -> str:
    """pythonw.exe next to python.exe (every Windows Python and virtualenv has both): the task then
    opens no console window at log-on, which closing would stop the planner with."""
    path = Path(python)
    if path.name.lower() != "python.exe":
        return python
    gui = path.with_name("pythonw.exe")
    return str(gui) if gui.is_file() else python


def task_xml(workdir: Path, python: str = sys.executable, windows: tuple = (), user: str | None = None) -> bytes:
    """The Task Scheduler definition (UTF-16, as `schtasks /XML` expects): at log-on and a little
    before each off-peak window (waking the computer), no time limit, runs on battery, restarted
    on failure. No /TR command line: no 261-character limit, no `&&` for cmd to split."""
    ET.register_namespace("", TASK_NS)

    def sub(parent, tag: str, text: str | None = None):
        element = ET.SubElement(parent, f"{{{TASK_NS}}}{tag}")
        if text is not None:
            element.text = text
        return element

    task = ET.Element(f"{{{TASK_NS}}}Task", version="1.2")
    sub(sub(task, "RegistrationInfo"), "Description", "damancom-bot : déclaration CNSS planifiée (Damancom)")
    triggers = sub(task, "Triggers")
    logon = sub(triggers, "LogonTrigger")
    sub(logon, "Enabled", "true")
    if user:
        sub(logon, "UserId", user)
    for start, _ in windows:  # the computer's clock: set to Moroccan time on the machines we target
        moment = (datetime(2026, 1, 1, start.hour, start.minute) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
        calendar = sub(triggers, "CalendarTrigger")
        sub(calendar, "StartBoundary", moment)
        sub(calendar, "Enabled", "true")
        sub(sub(calendar, "ScheduleByDay"), "DaysInterval", "1")
    principal = sub(sub(task, "Principals"), "Principal", None)
    principal.set("id", "Author")
    sub(principal, "LogonType", "InteractiveToken")
    sub(principal, "RunLevel", "LeastPrivilege")
    settings = sub(task, "Settings")
    for tag, value in (
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("AllowHardTerminate", "true"),
        ("StartWhenAvailable", "true"),
        ("RunOnlyIfNetworkAvailable", "false"),
        ("AllowStartOnDemand", "true"),
        ("Enabled", "true"),
        ("Hidden", "false"),
        ("RunOnlyIfIdle", "false"),
        ("WakeToRun", "true"),
        ("ExecutionTimeLimit", "PT0S"),
    ):
        sub(settings, tag, value)
    idle = sub(settings, "IdleSettings")
    sub(idle, "StopOnIdleEnd", "false")
    sub(idle, "RestartOnIdle", "false")
    restart = sub(settings, "RestartOnFailure")
    sub(restart, "Interval", "PT5M")
    sub(restart, "Count", "3")
    actions = sub(task, "Actions")
    actions.set("Context", "Author")
    action = sub(actions, "Exec")
    sub(action, "Command", windowless(python))
    sub(action, "Arguments", "-m bot.schedule.windowless")  # works with python.exe too
    sub(action, "WorkingDirectory", str(workdir))
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode")
    return text.encode("utf-16")


def install(environ, workdir: Path, platform: str = sys.platform, run: Runner = _run) -> list[str]:
    """Returns what was done, as French lines; raises ConfigError (exit 2) with what the person must
    do when the service could not be registered."""
    if platform.startswith("linux"):
        return _install_systemd(environ, workdir, run)
    if platform.startswith("win"):
        return _install_windows(environ, workdir, run)
    command = f'"{sys.executable}" -m bot schedule'
    raise ConfigError(
        f"Installation automatique non prise en charge sur {platform} : rien n'a été installé. Faites "
        f'démarrer à l\'ouverture de session :\n  cd "{workdir}" && {command}'
    )


def _install_systemd(environ, workdir: Path, run: Runner) -> list[str]:
    path = unit_path(environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(unit_text(workdir), encoding="utf-8")
    lines = [f"Service systemd écrit : {path}"]
    enabled = run(["systemctl", "--user", "daemon-reload"]) and run(["systemctl", "--user", "enable", "--now", NAME])
    # Without linger, a user service runs only while the person is logged in: not after a reboot.
    linger = run(["loginctl", "enable-linger"])
    if not enabled:  # written but not running: the command failed, and says what is left to do
        raise ConfigError(
            f"Service systemd écrit ({path}), mais systemd n'a pas pu être joint d'ici : le planificateur "
            "n'est ni activé ni démarré. Exécutez vous-même :\n  systemctl --user daemon-reload\n"
            f"  systemctl --user enable --now {NAME}" + ("" if linger else "\n  loginctl enable-linger $USER")
        )
    lines.append("Service activé et démarré.")
    if linger:
        lines.append(
            "Démarrage sans ouverture de session activé (linger) : le planificateur tourne dès le démarrage "
            "de l'ordinateur."
        )
    else:
        lines += [
            "Le démarrage sans ouverture de session (linger) n'a pas pu être activé : sans lui, le planificateur "
            "ne tourne que lorsque vous êtes connecté. Pour l'activer (peut demander le mot de passe "
            "administrateur) :",
            "  loginctl enable-linger $USER",
        ]
    return lines


def task_file(environ) -> Path:
    from bot.settings.config import state_dir

    return state_dir(environ) / f"{NAME}-task.xml"


def _install_windows(environ, workdir: Path, run: Runner) -> list[str]:
    from bot.schedule.plan import parse_plan

    path = task_file(environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    user = (
        f"{environ['USERDOMAIN']}\\{environ['USERNAME']}"
        if environ.get("USERDOMAIN") and environ.get("USERNAME")
        else None
    )
    path.write_bytes(task_xml(workdir, windows=parse_plan(environ).windows, user=user))
    create = ["schtasks", "/Create", "/TN", NAME, "/XML", str(path), "/F"]
    if run(create):
        return [
            f"Tâche planifiée « {NAME} » créée (définition : {path}) : le planificateur démarre à l'ouverture de "
            "session, sans limite de durée, même sur batterie, et réveille l'ordinateur avant les heures creuses."
        ]
    raise ConfigError(
        "Le Planificateur de tâches n'a pas pu être utilisé : la tâche n'est pas créée. Dans une invite "
        f'de commandes, exécutez :\n  schtasks /Create /TN {NAME} /XML "{path}" /F'
    )


def uninstall(environ, platform: str = sys.platform, run: Runner = _run) -> list[str]:
    if platform.startswith("linux"):
        run(["systemctl", "--user", "disable", "--now", NAME])
        path = unit_path(environ)
        if path.exists():
            path.unlink()
            run(["systemctl", "--user", "daemon-reload"])
            return [f"Service systemd supprimé : {path}"]
        return ["Aucun service systemd damancom-bot n'était installé."]
    if platform.startswith("win"):
        if run(["schtasks", "/Delete", "/TN", NAME, "/F"]):
            task_file(environ).unlink(missing_ok=True)
            return [f"Tâche planifiée « {NAME} » supprimée."]
        return [f"Supprimez la tâche vous-même : schtasks /Delete /TN {NAME} /F"]
    return ["Retirez vous-même le démarrage automatique que vous aviez configuré."]
