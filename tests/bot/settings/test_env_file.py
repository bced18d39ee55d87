"""A `.env` as people produce it (Notepad ANSI, PowerShell UTF-16, UTF-8 with BOM) is read right;
one that cannot be read is exit 2 in French. Never a traceback, never the password on the screen."""

from __future__ import annotations

import io
import os
import subprocess

import pytest

from bot.cli import main
from bot.env import Env
from bot.settings.config import read_environment
from tests.conftest import BIN, assert_no_secret
from tests.support.bounded import bounded_run

PASSWORD = "Sécr3t-€nv-Pässwörd"
TEXT = f"DAMANCOM_IDENTIFIER=PHARMA-ENV\nDAMANCOM_PASSWORD={PASSWORD}\n"


def run(argv, environ):
    env = Env(environ=environ, stdin=io.StringIO(""), stdout=io.StringIO(), stderr=io.StringIO())
    code = main(argv, env)
    return code, env.stdout.getvalue() + env.stderr.getvalue()


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1252", "utf-32"]
)
def test_the_encodings_people_produce_are_read(tmp_path, encoding):
    path = tmp_path / "réglages.env"
    if encoding.endswith("-bom"):
        raw = TEXT.replace("€", "E").encode(encoding[:-4])
        raw = ("\ufeff".encode(encoding[:-4])) + raw
    else:
        raw = (TEXT if encoding != "cp1252" else TEXT).encode(encoding)
    path.write_bytes(raw)
    merged = read_environment({"DAMANCOM_ENV_FILE": str(path)})
    expected = PASSWORD.replace("€", "E") if encoding.endswith("-bom") else PASSWORD
    assert merged["DAMANCOM_PASSWORD"] == expected and merged["DAMANCOM_IDENTIFIER"] == "PHARMA-ENV"


def _unreadable(tmp_path):
    binary = tmp_path / "binaire.env"
    binary.write_bytes(TEXT.encode() + b"\x00\x01\x02" + bytes(range(256)))
    broken_utf16 = tmp_path / "coupe.env"
    broken_utf16.write_bytes(b"\xff\xfe" + TEXT.encode("utf-16-le")[:-1])
    huge = tmp_path / "enorme.env"
    huge.write_bytes((TEXT + "#" * 1000 + "\n").encode() * 400)
    cases = {
        "binaire": binary,
        "utf16-tronque": broken_utf16,
        "dossier": tmp_path,
        "trop-gros": huge,
        "nom-trop-long": tmp_path / ("x" * 5000),
    }
    if os.path.exists("/proc/self/mem"):
        cases["proc-self-mem"] = "/proc/self/mem"
    return cases


def test_an_unreadable_env_file_is_exit_2_in_french_without_the_password(tmp_path):
    for name, path in _unreadable(tmp_path).items():
        code, text = run(
            ["doctor"],
            {
                "DAMANCOM_ENV_FILE": str(path),
                "DAMANCOM_PASSWORD": PASSWORD,
                "DAMANCOM_STATE_DIR": str(tmp_path / "state"),
            },
        )
        assert code == 2, (name, text)
        assert "Traceback" not in text and ("réglages" in text or "DAMANCOM_ENV_FILE" in text), (name, text)
        assert_no_secret([PASSWORD], text, roots=(tmp_path / "state",))


def test_an_unexpected_error_prints_no_traceback_and_logs_it_scrubbed(tmp_path, monkeypatch):
    from bot.commands import doctor

    def broken(args, env):
        raise RuntimeError(f"boom near {PASSWORD}")

    monkeypatch.setattr(doctor, "run", broken)
    state = tmp_path / "state"
    code, text = run(["doctor"], {"DAMANCOM_PASSWORD": PASSWORD, "DAMANCOM_STATE_DIR": str(state)})
    assert code == 1 and "Traceback" not in text and "Erreur inattendue" in text
    log = (state / "logs" / "damancom-bot.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError" in log
    assert_no_secret([PASSWORD], text, log)


def test_the_reported_case_in_a_real_process(tmp_path, cli_env):
    """The red-team case: `DAMANCOM_ENV_FILE=/proc/self/mem` and a cp1252 file with the password."""
    (tmp_path / ".env").write_bytes(TEXT.encode("cp1252"))
    env = {**cli_env, "DAMANCOM_ENV_FILE": "/proc/self/mem" if os.path.exists("/proc/self/mem") else str(tmp_path)}
    done = subprocess.run(
        [str(BIN / "damancom-bot"), "doctor"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert_no_secret([PASSWORD], done.stdout, done.stderr, roots=(tmp_path / "state",))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_as_the_env_file_is_refused_without_waiting(tmp_path, cli_env):
    """A FIFO blocks whoever opens it until someone writes: refused before it is opened, exit 2."""
    fifo = tmp_path / "reglages.env"
    os.mkfifo(fifo)
    done = bounded_run(["status"], env={**cli_env, "DAMANCOM_ENV_FILE": str(fifo)}, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "tube (FIFO), pas un fichier ordinaire" in done.stderr and "Traceback" not in done.stderr
    zero = bounded_run(["status"], env={**cli_env, "DAMANCOM_ENV_FILE": "/dev/zero"}, cwd=tmp_path)
    assert zero.returncode == 2 and "périphérique, pas un fichier ordinaire" in zero.stderr, zero.stderr


@pytest.mark.parametrize(
    "line",
    ["DAMANCOM_PASSWORD=Pa${HOME}ss-1", 'DAMANCOM_PASSWORD="Pa${HOME}ss-1"', "DAMANCOM_PASSWORD='Pa${HOME}ss-1'"],
)
def test_values_are_taken_literally_never_expanded(tmp_path, line):
    (tmp_path / ".env").write_text(f"{line}\n", encoding="utf-8")
    merged = read_environment({"DAMANCOM_ENV_FILE": str(tmp_path / ".env"), "HOME": "/maison"})
    assert merged["DAMANCOM_PASSWORD"] == "Pa${HOME}ss-1"


def test_a_value_cut_by_a_hash_is_named_with_its_line_never_its_value(tmp_path):
    (tmp_path / ".env").write_text(
        "DAMANCOM_IDENTIFIER=PHARMA-1\nDAMANCOM_PASSWORD=Pw #hash-2\nDAMANCOM_NOTIFY='ntfy://a #b'\n", encoding="utf-8"
    )
    code, text = run(
        ["status"], {"DAMANCOM_ENV_FILE": str(tmp_path / ".env"), "DAMANCOM_STATE_DIR": str(tmp_path / "state")}
    )
    assert code == 0, text
    assert "Ligne 2 du fichier" in text and "la valeur de DAMANCOM_PASSWORD s'arrête avant le « # »" in text
    assert "DAMANCOM_PASSWORD='…'" in text and "Ligne 3" not in text  # quoted: read whole, no warning
    assert "hash-2" not in text
