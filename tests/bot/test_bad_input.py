"""Bad input of every kind ends with a French sentence and a documented exit code; nothing is lost.
Property-based where the input space is large (codes, configuration values)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.audit.manifest import read_records
from bot.audit.verify import verify
from bot.errors import ConfigError, InvalidCode
from bot.handover.code import parse_code
from bot.settings.config import load_settings
from tests.conftest import BIN

SUPPORT = Path(__file__).resolve().parents[1] / "support" / "diskfull"


@given(st.text())
def test_any_text_is_a_6_digit_code_or_refused_in_french(raw):
    try:
        code = parse_code(raw)
    except InvalidCode as exc:
        assert "exactement 6 chiffres" in exc.message and exc.exit_code == 2
        return
    assert re.fullmatch(r"[0-9]{6}", code)
    digits = [c for c in raw if not c.isspace()]
    assert len(digits) == 6 and all(c.isdecimal() for c in digits)


@given(st.integers(min_value=0, max_value=999_999), st.lists(st.sampled_from([" ", "\t", "\u00a0"]), max_size=4))
def test_spaces_anywhere_are_accepted(number, spaces):
    text = f"{number:06d}"
    mixed = "".join(spaces) + text[:3] + "".join(spaces) + text[3:] + "".join(spaces)
    assert parse_code(mixed) == text


@given(st.integers(min_value=7, max_value=12))
def test_too_many_digits_are_refused(length):
    with pytest.raises(InvalidCode):
        parse_code("1" * length)


SECONDS_VARIABLES = [
    "DAMANCOM_TIMEOUT_ACTION",
    "DAMANCOM_TIMEOUT_NAVIGATION",
    "DAMANCOM_CODE_WAIT",
    "DAMANCOM_READY_WAIT",
    "DAMANCOM_RUN_BUDGET",
    "DAMANCOM_RETRY_BACKOFF",
]


@settings(max_examples=200)
@given(st.sampled_from(SECONDS_VARIABLES), st.text(max_size=12))
def test_any_seconds_value_is_accepted_or_named_in_the_refusal(name, raw):
    try:
        value = getattr(
            load_settings({name: raw}, need_credentials=False),
            {
                "DAMANCOM_TIMEOUT_ACTION": "action_timeout",
                "DAMANCOM_TIMEOUT_NAVIGATION": "navigation_timeout",
                "DAMANCOM_CODE_WAIT": "code_wait",
                "DAMANCOM_READY_WAIT": "ready_wait",
                "DAMANCOM_RUN_BUDGET": "run_budget",
                "DAMANCOM_RETRY_BACKOFF": "retry_backoff",
            }[name],
        )
    except ConfigError as exc:
        assert name in exc.message and exc.exit_code == 2
        return
    assert 0 < value <= 24 * 3600


@given(st.sampled_from(["DAMANCOM_HEADLESS", "DAMANCOM_LOCAL_PAGE", "DAMANCOM_TRACE"]), st.text(max_size=8))
def test_any_boolean_value_is_accepted_or_named(name, raw):
    try:
        load_settings({name: raw}, need_credentials=False)
    except ConfigError as exc:
        assert name in exc.message
        return
    assert raw.strip().lower() in {
        "",
        "1",
        "0",
        "true",
        "false",
        "oui",
        "non",
        "yes",
        "no",
        "on",
        "off",
        "vrai",
        "faux",
    }


@given(st.text(min_size=1, max_size=20).filter(lambda s: any(c.isspace() for c in s.strip())))
def test_identifier_with_inner_spaces_is_refused(identifier):
    with pytest.raises(ConfigError, match="DAMANCOM_IDENTIFIER"):
        load_settings({"DAMANCOM_IDENTIFIER": identifier, "DAMANCOM_PASSWORD": "x" * 8}, need_credentials=True)


def test_malformed_env_file_line_is_named(run_cli, tmp_path):
    (tmp_path / ".env").write_text("DAMANCOM_HEADLESS=peut-etre\nDAMANCOM_IDENTIFIER=PHARMA-1\n", encoding="utf-8")
    result = run_cli("login")
    assert result.returncode == 2 and "DAMANCOM_HEADLESS" in result.stderr and "Traceback" not in result.stderr


def test_corrupted_state_file_is_a_clear_error(run_cli, tmp_path, sandbox, demo_account):
    state = tmp_path / "state"
    state.mkdir()
    (state / "lockout.json").write_text("{corrompu")
    result = run_cli(
        "login",
        env={
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": demo_account.identifier,
            "DAMANCOM_PASSWORD": demo_account.password,
        },
    )
    assert result.returncode == 2 and "illisible" in result.stderr and "damancom-bot unlock" in result.stderr
    assert sandbox.outbox.all() == []
    assert run_cli("unlock", "--account", demo_account.identifier).returncode == 0


def test_full_disk_mid_run_is_exit_2_and_keeps_what_was_written(tmp_path, cli_env):
    import subprocess

    env = {**cli_env, "PYTHONPATH": str(SUPPORT), "DISKFULL_AFTER_WRITES": "3"}
    result = subprocess.run(
        [str(BIN / "damancom-bot"), "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "le disque est plein" in result.stderr and "Traceback" not in result.stderr
    folder = next((tmp_path / "recordings").rglob("manifest.jsonl")).parent
    records = read_records(folder)
    assert [r["step"] for r in records] == ["debut", "accueil"]
    assert verify(folder) == [
        "Le manifeste ne se termine pas par la ligne de fin : exécution interrompue, ou fin supprimée."
    ]  # every file written is intact


NOT_UTF8 = [
    ["login", "--period", b"\xff\xfe\x80"],
    ["declare", "--period", b"\xff\xfe\x80"],
    ["otp", b"\xff\xfe\x80"],
    ["secret", "set", b"\xff\xfe"],
    ["report", b"\xe9t\xe9"],
    ["audit", "verify", b"\xff"],
    ["bds", "check", b"\xff.txt"],
]


POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="Windows hands programs Unicode arguments, never raw bytes")


@POSIX_ONLY
@pytest.mark.parametrize("argv", NOT_UTF8, ids=lambda a: a[0])
def test_an_argument_that_is_not_utf8_is_refused_in_french(argv):
    """`main` as the interpreter calls it: undecodable bytes reach `sys.argv` as surrogate escapes
    (`os.fsdecode`; a real process below shows it). One check for every command, before argparse."""
    import io

    from bot.cli import main
    from bot.env import Env

    env = Env(environ={}, stdin=io.StringIO(""), stdout=io.StringIO(), stderr=io.StringIO())
    code = main([os.fsdecode(a) if isinstance(a, bytes) else a for a in argv], env)
    stderr = env.stderr.getvalue()
    assert code == 2, stderr
    assert "n'est pas du texte lisible" in stderr and "Traceback" not in stderr


@pytest.mark.browser
@POSIX_ONLY
def test_an_argument_that_is_not_utf8_in_a_real_process_is_refused_in_french(tmp_path, cli_env):
    """The bytes as a terminal hands them over: decoded by the interpreter itself, and no « Logging error »."""
    done = subprocess.run(
        [str(BIN / "damancom-bot"), *NOT_UTF8[0]], capture_output=True, cwd=tmp_path, env=cli_env, input=b"", timeout=60
    )
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 2, stderr
    assert "n'est pas du texte lisible" in stderr and "Traceback" not in stderr and "Logging error" not in stderr
