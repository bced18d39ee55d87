"""`damancom-bot sandbox` serves the portal on its own and announces its URL first."""

from __future__ import annotations

import re
import subprocess
import urllib.request

from tests.conftest import BIN


def test_sandbox_command_prints_url_first_and_serves(tmp_path, cli_env):
    process = subprocess.Popen([str(BIN / "damancom-bot"), "sandbox", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=cli_env)
    try:
        first = process.stdout.readline().strip()
        match = re.fullmatch(r"URL (http://127\.0\.0\.1:(\d+)/fr/)", first)
        assert match, first
        with urllib.request.urlopen(match.group(1), timeout=10) as response:
            assert "S'authentifier avec OTP" in response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sandbox_refuses_a_busy_port(run_cli, sandbox):
    port = sandbox.url.split(":")[2].split("/")[0]
    result = run_cli("sandbox", "--port", port, timeout=30)
    assert result.returncode == 2
    assert f"Impossible d'écouter sur le port {port}" in result.stderr
