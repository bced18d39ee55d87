"""`schedule --install/--uninstall`: a systemd user unit on Linux, a Task Scheduler entry (at
log-on) on Windows; elsewhere, the exact steps to do by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

NAME = "damancom-bot"


def unit_path(environ) -> Path:
    base = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "systemd" / "user" / f"{NAME}.service"


def unit_text(workdir: Path) -> str:
    return f"""[Unit]
Description=damancom-bot : déclaration CNSS planifiée (Damancom)
After=network-online.target

[Service]
Type=simple
WorkingDirectory={workdir}
ExecStart={sys.executable} -m bot schedule
Restart=on-failure
RestartSec=60

[Install]
WantedBy=default.target
"""


def _run(command: list[str]) -> bool:
    if not shutil.which(command[0]):
        return False
    return subprocess.run(command, capture_output=True, text=True).returncode == 0


def install(environ, workdir: Path, platform: str = sys.platform) -> list[str]:
    """Returns what was done, or what the person must do, as French lines."""
    if platform.startswith("linux"):
        path = unit_path(environ)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(unit_text(workdir), encoding="utf-8")
        lines = [f"Service systemd écrit : {path}"]
        if _run(["systemctl", "--user", "daemon-reload"]) and _run(["systemctl", "--user", "enable", "--now", NAME]):
            lines.append("Service activé et démarré : il tournera à chaque ouverture de session.")
        else:
            lines += ["systemd n'a pas pu être joint d'ici. Exécutez vous-même :",
                      "  systemctl --user daemon-reload",
                      f"  systemctl --user enable --now {NAME}",
                      "  loginctl enable-linger $USER   # pour qu'il tourne même sans session ouverte"]
        return lines
    command = f'"{sys.executable}" -m bot schedule'
    if platform.startswith("win"):
        create = ["schtasks", "/Create", "/TN", NAME, "/SC", "ONLOGON", "/TR", f'cmd /c cd /d "{workdir}" && {command}',
                  "/F"]
        if _run(create):
            return [f"Tâche planifiée « {NAME} » créée : le planificateur démarrera à chaque ouverture de session."]
        return ["Le Planificateur de tâches n'a pas pu être utilisé. Dans une invite de commandes, exécutez :",
                "  " + " ".join(create)]
    return [f"Installation automatique non prise en charge sur {platform}. Faites démarrer à l'ouverture de session :",
            f"  cd {workdir} && {command}"]


def uninstall(environ, platform: str = sys.platform) -> list[str]:
    if platform.startswith("linux"):
        _run(["systemctl", "--user", "disable", "--now", NAME])
        path = unit_path(environ)
        if path.exists():
            path.unlink()
            _run(["systemctl", "--user", "daemon-reload"])
            return [f"Service systemd supprimé : {path}"]
        return ["Aucun service systemd damancom-bot n'était installé."]
    if platform.startswith("win"):
        if _run(["schtasks", "/Delete", "/TN", NAME, "/F"]):
            return [f"Tâche planifiée « {NAME} » supprimée."]
        return [f"Supprimez la tâche vous-même : schtasks /Delete /TN {NAME} /F"]
    return ["Retirez vous-même le démarrage automatique que vous aviez configuré."]


def workdir() -> Path:
    return Path(os.getcwd())
