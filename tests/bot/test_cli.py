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


def test_login_without_identifier_says_it_in_words_and_verbose_names_the_variable(tmp_path):
    code, _, err = run(["login"], {"DAMANCOM_STATE_DIR": str(tmp_path / "s")})
    assert code == 2
    assert "Le réglage « identifiant » est vide" in err
    assert "DAMANCOM_" not in err and "code de sortie" not in err  # for --verbose and the log
    code, _, err = run(["--verbose", "login"], {"DAMANCOM_STATE_DIR": str(tmp_path / "s")})
    assert "DAMANCOM_IDENTIFIER est vide" in err and "(code de sortie 2)" in err


def test_every_sub_command_help_is_french_once(capsys):
    from bot.cli import COMMANDS

    for name in COMMANDS:
        with pytest.raises(SystemExit):
            main([name, "--help"], Env())
        out = capsys.readouterr().out
        assert out.startswith(f"utilisation : damancom-bot {name}") and "utilisation : utilisation" not in out
        for english in ("PERIOD", "ACCOUNT", " FILE", "PATH", "--url URL", "WAIT", "TOKEN"):
            assert english not in out, (name, english)
    with pytest.raises(SystemExit):
        main(["declare", "--help"], Env())
    assert "--period AAAA-MM" in capsys.readouterr().out


def test_a_wrong_command_is_said_in_french(capsys):
    with pytest.raises(SystemExit):
        main(["dmeo"], Env())
    err = capsys.readouterr().err
    assert "« dmeo » n'est pas possible pour COMMANDE" in err and "choose" not in err and "'demo'" not in err


def test_system_reasons_are_french(tmp_path):
    code, _, err = run(["bds", "check", str(tmp_path / "absent.txt")], {"DAMANCOM_STATE_DIR": str(tmp_path / "s")})
    assert code == 2 and "introuvable" in err and "No such file" not in err


def test_bad_browser_override_is_exit_2(tmp_path):
    environ = {
        "DAMANCOM_STATE_DIR": str(tmp_path / "s"),
        "DAMANCOM_IDENTIFIER": "X1",
        "DAMANCOM_PASSWORD": "Secret-cli-1",
        "DAMANCOM_BROWSER": "/nowhere/chrome",
    }
    code, _, err = run(["login"], environ)
    assert code == 2 and "DAMANCOM_BROWSER" in err


def test_unwritable_recordings_dir_is_exit_2(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    environ = {"DAMANCOM_STATE_DIR": str(tmp_path / "s"), "DAMANCOM_RECORDINGS": str(blocker / "sub")}
    code, _, err = run(["demo"], environ)
    assert code == 2 and "dossier des enregistrements" in err


def test_headed_without_display_is_exit_2(tmp_path):
    environ = {"DAMANCOM_STATE_DIR": str(tmp_path / "s")}
    code, _, err = run(["demo", "--headed"], environ)
    assert code == 2 and "écran" in err


class _ClosedPipe(io.StringIO):
    """An output whose reader has gone (`status | head` once head has its lines)."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


def test_an_output_closed_by_its_reader_ends_quietly(tmp_path):
    env = Env(
        environ={"DAMANCOM_STATE_DIR": str(tmp_path / "state")},
        stdin=io.StringIO(),
        stdout=_ClosedPipe(),
        stderr=io.StringIO(),
    )
    assert main(["status"], env) == 130  # README: interrupted, output cut (`| head`)
    assert env.stderr.getvalue() == ""  # no « Erreur inattendue »


def test_status_piped_into_a_reader_that_leaves_prints_nothing_more(tmp_path):
    import os
    import subprocess

    from tests.conftest import BIN

    environ = {k: v for k, v in os.environ.items() if not k.startswith("DAMANCOM_")}
    environ.update(DAMANCOM_STATE_DIR=str(tmp_path / "state"), DAMANCOM_CONFIG_DIR=str(tmp_path / "config"))
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first line
    try:
        done = subprocess.run(
            [str(BIN / "damancom-bot"), "status"],
            stdout=writer,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env=environ,
            text=True,
            timeout=60,
        )
    finally:
        os.close(writer)
    assert done.returncode == 130 and done.stderr == "", done.stderr


def test_bds_check_help_is_its_own(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["bds", "check", "--help"], Env())
    out = capsys.readouterr().out
    assert caught.value.code == 0 and "utilisation : damancom-bot bds check" in out
    assert "--affiliate" in out and "--salaries" not in out and "pour build" not in out  # not build's options
    with pytest.raises(SystemExit):
        main(["bds", "build", "--help"], Env())
    out = capsys.readouterr().out
    assert "--salaries" in out and "--affiliate" not in out
