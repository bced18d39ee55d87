"""`damancom-bot app` as a command: the real process prints its address and serves it; the port
setting; the shortcut (Linux .desktop written for real, the Windows PowerShell text checked)."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

import pytest

from bot.app import shortcut
from tests.conftest import BIN
from tests.support.local_page import fetch
from tests.support.terminal import AS_FROM_A_TERMINAL
from tests.support.waiting import wait_until


def test_the_real_command_serves_the_page_until_stopped(cli_env, tmp_path):
    out = tmp_path / "app.out"
    with open(out, "w") as sink:
        process = subprocess.Popen(
            [str(BIN / "damancom-bot"), "app", "--no-browser"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=cli_env,
            text=True,
            **AS_FROM_A_TERMINAL,
        )
    try:
        url = wait_until(lambda: re.search(r"http://127\.0\.0\.1:\d+/app/\S+/", out.read_text()), timeout=120).group(0)
        status, html = fetch(url)
        assert status == 200 and "<h1>damancom-bot : tableau de bord</h1>" in html
        assert fetch(re.sub(r"/app/\S+/", "/app/autre/", url))[0] == 403
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Interrompu à votre demande" in out.read_text()


@pytest.mark.parametrize("port", ["80", "http", "99999", "٣٠٠٠"])
def test_a_bad_port_setting_is_exit_2(run_cli, port):
    result = run_cli("app", "--no-browser", env={"DAMANCOM_APP_PORT": port})
    assert result.returncode == 2 and "DAMANCOM_APP_PORT" in result.stderr


def test_a_port_in_use_is_said_in_french(run_cli, dashboard):
    taken = dashboard.url.split(":")[2].split("/")[0]
    result = run_cli("app", "--no-browser", env={"DAMANCOM_APP_PORT": taken})
    assert result.returncode == 2 and f"Le port {taken} est déjà utilisé" in result.stderr


def test_linux_shortcut_is_a_desktop_entry(run_cli, tmp_path):
    home = tmp_path / "maison de Sara"
    (home / "Desktop").mkdir(parents=True)
    result = run_cli("app", "--install-shortcut", env={"HOME": str(home), "XDG_DATA_HOME": ""})
    assert result.returncode == 0, result.stderr
    menu = home / ".local" / "share" / "applications" / "damancom-bot-app.desktop"
    for entry in (menu, home / "Desktop" / "damancom-bot-app.desktop"):
        assert f"Raccourci créé : {entry}" in result.stdout
        text = entry.read_text(encoding="utf-8")
        assert text.startswith("[Desktop Entry]\nType=Application\n")
        assert "Name=Damancom - tableau de bord\n" in text and "Terminal=false" in text
        exec_line = re.search(r"^Exec=(.*)$", text, re.M).group(1)
        assert exec_line.endswith(" app")
        assert entry.stat().st_mode & 0o100


def test_desktop_entry_quotes_paths_with_spaces():
    text = shortcut.desktop_entry(["/home/sara/mes outils/damancom-bot", "app"], Path("/home/sara"))
    assert 'Exec="/home/sara/mes outils/damancom-bot" app\n' in text
