"""The CLI in-process: French help and usage errors, one exit code per kind of failure."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.env import Env


def run(argv, environ=None, stdin=""):
    env = Env(environ=environ or {}, stdin=io.StringIO(stdin), stdout=io.StringIO(), stderr=io.StringIO())
    code = main(argv, env)
    return code, env.stdout.getvalue(), env.stderr.getvalue()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_help_is_french(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--help"], Env())
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "utilisation : damancom-bot" in out and "affiche cette aide" in out
    for command in ("demo", "login", "sandbox"):
        assert command in out


def test_unknown_command_is_a_usage_error_in_french(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["dmeo"], Env())
    assert caught.value.code == 2
    assert "Erreur d'utilisation" in capsys.readouterr().err


def test_login_without_identifier_names_the_variable(tmp_path):
    code, _, err = run(["login"], {"DAMANCOM_STATE_DIR": str(tmp_path / "s")})
    assert code == 2
    assert "DAMANCOM_IDENTIFIER est vide" in err and "(code de sortie 2)" in err


def test_bad_browser_override_is_exit_2(tmp_path):
    environ = {"DAMANCOM_STATE_DIR": str(tmp_path / "s"), "DAMANCOM_IDENTIFIER": "X1",
               "DAMANCOM_PASSWORD": "Secret-cli-1", "DAMANCOM_BROWSER": "/nowhere/chrome"}
    code, _, err = run(["login"], environ)
    assert code == 2 and "DAMANCOM_BROWSER" in err


def test_unwritable_recordings_dir_is_exit_2(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    environ = {"DAMANCOM_STATE_DIR": str(tmp_path / "s"), "DAMANCOM_RECORDINGS": str(blocker / "sub")}
    code, _, err = run(["demo"], environ)
    assert code == 2 and "DAMANCOM_RECORDINGS" in err


def test_headed_without_display_is_exit_2(tmp_path):
    environ = {"DAMANCOM_STATE_DIR": str(tmp_path / "s")}
    code, _, err = run(["demo", "--headed"], environ)
    assert code == 2 and "écran" in err
