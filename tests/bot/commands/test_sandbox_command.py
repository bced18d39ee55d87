"""`damancom-bot sandbox` serves the portal on its own and announces its URL first."""

from __future__ import annotations

import io
import re
import subprocess
import urllib.request

import pytest

from bot.cli import main
from bot.env import Env
from tests.conftest import BIN


@pytest.mark.parametrize(
    "style, marker", [([], 'href="/fr/authentification/otp"'), (["--style", "spa"], '<meta name="csrf-token"')]
)
def test_sandbox_command_prints_url_first_and_serves(tmp_path, cli_env, style, marker):
    process = subprocess.Popen(
        [str(BIN / "damancom-bot"), "sandbox", "--port", "0", *style],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=cli_env,
    )
    try:
        first = process.stdout.readline().strip()
        match = re.fullmatch(r"URL (http://127\.0\.0\.1:(\d+)/fr/)", first)
        assert match, first
        with urllib.request.urlopen(match.group(1), timeout=10) as response:
            body = response.read().decode()
        assert "S'authentifier avec OTP" in body and marker in body
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sandbox_refuses_a_busy_port(run_cli, sandbox):
    port = sandbox.url.split(":")[2].split("/")[0]
    result = run_cli("sandbox", "--port", port, timeout=30)
    assert result.returncode == 2
    assert f"Impossible d'écouter sur le port {port}" in result.stderr


def test_sandbox_refuses_an_unknown_style_in_french(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = Env(
        environ={"DAMANCOM_STATE_DIR": str(tmp_path / "s")},
        stdin=io.StringIO(),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert main(["sandbox", "--style", "moderne"], env) == 2
    assert "--style moderne : style de portail inconnu. Choix possibles : classic, spa." in env.stderr.getvalue()
