"""`Env` carries the working folder and the clock: a command run in-process reads the person's files
from `env.cwd` and the time from `env.now`, never from the test process's own folder or clock."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from bot.cli import main
from bot.env import Env
from bot.ledger.ledger import Ledger
from bot.sandbox.preetabli import make_preetabli
from bot.settings.accounts import pinned
from bot.settings.config import read_environment
from bot.system.clock import TZ
from tests.support.declaration_files import CSV


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """(the person's working folder, the process's current folder): two different folders."""
    work, elsewhere = tmp_path / "dossier de la pharmacie", tmp_path / "ailleurs"
    work.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return work, elsewhere


def run(argv, environ, **env_fields):
    env = Env(environ=environ, stdin=io.StringIO(""), stdout=io.StringIO(), stderr=io.StringIO(), **env_fields)
    code = main(argv, env)
    return code, env.stdout.getvalue(), env.stderr.getvalue()


def test_relative_paths_the_person_gives_are_read_from_env_cwd(folders, demo_account, tmp_path):
    work, elsewhere = folders
    (work / "pre.txt").write_text(make_preetabli(demo_account, "2026-10"), encoding="ascii")
    (work / "salaires.csv").write_text(CSV.format(new="998877665"), encoding="utf-8")
    (work / "sortie").mkdir()
    environ = {"DAMANCOM_STATE_DIR": str(tmp_path / "state"), "DAMANCOM_CONFIG_DIR": str(tmp_path / "config")}

    code, out, err = run(
        ["bds", "build", "--preetabli", "pre.txt", "--salaries", "salaires.csv", "--out", "sortie"], environ, cwd=work
    )
    assert code == 0, err
    [built] = (work / "sortie").iterdir()
    assert not list(elsewhere.iterdir())
    code, out, err = run(["bds", "check", f"sortie/{built.name}"], environ, cwd=work)
    assert code == 0 and f"Fichier conforme : sortie/{built.name}" in out, err


def test_the_working_folders_env_file_and_accounts_file_are_the_ones_read(folders, tmp_path):
    work, elsewhere = folders
    (work / ".env").write_text("DAMANCOM_IDENTIFIER=PHARMA-ICI\n", encoding="utf-8")
    (elsewhere / ".env").write_text("DAMANCOM_IDENTIFIER=PHARMA-AILLEURS\n", encoding="utf-8")
    (work / "comptes.toml").write_text("", encoding="utf-8")
    environ = {"DAMANCOM_CONFIG_DIR": str(tmp_path / "config")}

    assert read_environment(environ, work)["DAMANCOM_IDENTIFIER"] == "PHARMA-ICI"
    assert pinned(environ, work)["DAMANCOM_ACCOUNTS"] == str(work / "comptes.toml")
    assert "DAMANCOM_ACCOUNTS" not in pinned(environ, tmp_path / "config")  # no accounts file there: none named


def test_commands_take_the_time_from_env_now(folders, tmp_path):
    work, _ = folders
    moment = datetime(2026, 11, 3, 9, 41, tzinfo=TZ)
    environ = {
        "DAMANCOM_STATE_DIR": str(tmp_path / "state"),
        "DAMANCOM_CONFIG_DIR": str(tmp_path / "config"),
        "DAMANCOM_IDENTIFIER": "PHARMA-ICI",
    }

    code, _, err = run(["done", "--period", "2026-10"], environ, cwd=work, now=lambda: moment)
    assert code == 0, err
    assert Ledger(tmp_path / "state").period("PHARMA-ICI", "2026-10").updated == moment
