"""`pip install .` gives a working bot outside the checkout: the selector files travel in the wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.browser  # a real bot process and its browser, from a fresh venv
def test_wheel_runs_the_demo_outside_the_checkout(tmp_path):
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist")], cwd=ROOT, check=True, capture_output=True
    )
    wheel = next((tmp_path / "dist").glob("damancom_bot-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for data in (
        "bot/_selectors/home.yaml",
        "bot/_selectors/code_password.yaml",
        "bot/sandbox/accounts.yaml",
        "bot/sandbox/spa.js",
    ):
        assert data in names
    assert not [n for n in names if n.endswith("selectors.py") or n.startswith("selectors/")]

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([uv, "pip", "install", "--python", str(python), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAMANCOM_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(DAMANCOM_STATE_DIR=str(tmp_path / "state"))
    result = subprocess.run(
        [str(python.parent / "damancom-bot"), "demo"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "espace affilié atteint" in result.stdout
    assert len(list((tmp_path / "state" / "recordings").rglob("*.png"))) >= 4  # the data folder, not the cwd
