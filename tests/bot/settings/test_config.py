"""Settings: defaults, .env precedence, and a named variable in every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.output import redact
from bot.settings.config import DEFAULT_URL, load_settings, read_environment, state_dir

CREDS = {"DAMANCOM_IDENTIFIER": "PHARMA-1", "DAMANCOM_PASSWORD": "Pw-config-1234"}


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # any folder but the project's
    settings = load_settings({}, need_credentials=False)
    assert settings.url == DEFAULT_URL and settings.headless is True
    assert settings.action_timeout == 30 and settings.navigation_timeout == 60 and settings.code_wait == 300
    assert settings.recordings == settings.state_dir / "recordings"  # the user's data folder, never the current one


def test_recordings_stay_in_the_project_folder_when_run_from_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "recordings").mkdir()
    (tmp_path / "recordings" / ".gitkeep").write_text("")  # the checkout's own folder
    assert load_settings({}, need_credentials=False).recordings == Path("recordings")


def test_values_are_parsed():
    settings = load_settings(
        {
            **CREDS,
            "DAMANCOM_URL": "http://127.0.0.1:8000/fr/",
            "DAMANCOM_HEADLESS": "non",
            "DAMANCOM_TIMEOUT_ACTION": "12,5",
            "DAMANCOM_STATE_DIR": "/tmp/x",
        },
        need_credentials=True,
    )
    assert settings.headless is False and settings.action_timeout == 12.5 and settings.state_dir == Path("/tmp/x")


@pytest.mark.parametrize(
    "name, value, fragment",
    [
        ("DAMANCOM_URL", "damancom.ma", "DAMANCOM_URL"),
        ("DAMANCOM_URL", "ftp://x/", "DAMANCOM_URL"),
        ("DAMANCOM_HEADLESS", "peut-être", "DAMANCOM_HEADLESS"),
        ("DAMANCOM_TIMEOUT_ACTION", "trente", "DAMANCOM_TIMEOUT_ACTION"),
        ("DAMANCOM_TIMEOUT_NAVIGATION", "-5", "DAMANCOM_TIMEOUT_NAVIGATION"),
        ("DAMANCOM_CODE_WAIT", "0", "DAMANCOM_CODE_WAIT"),
        ("DAMANCOM_IDENTIFIER", "PHARMA 1", "contient des espaces"),
        ("DAMANCOM_IDENTIFIER", "", "DAMANCOM_IDENTIFIER est vide"),
        ("DAMANCOM_PASSWORD", "", "DAMANCOM_PASSWORD est vide"),
    ],
)
def test_bad_values_name_their_variable(name, value, fragment):
    with pytest.raises(ConfigError, match=fragment) as caught:
        load_settings({**CREDS, name: value}, need_credentials=True)
    assert caught.value.exit_code == 2


def test_password_is_never_in_messages_or_repr():
    settings = load_settings(CREDS, need_credentials=True)
    assert CREDS["DAMANCOM_PASSWORD"] not in repr(settings)
    assert redact.scrub(f"x {CREDS['DAMANCOM_PASSWORD']} y") == f"x {redact.MASK} y"


def test_env_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DAMANCOM_IDENTIFIER=FROM-FILE\nDAMANCOM_URL=http://127.0.0.1:9/fr/\n")
    merged = read_environment({"DAMANCOM_URL": "http://127.0.0.1:10/fr/"})
    assert merged["DAMANCOM_IDENTIFIER"] == "FROM-FILE" and merged["DAMANCOM_URL"] == "http://127.0.0.1:10/fr/"


def test_missing_explicit_env_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="DAMANCOM_ENV_FILE"):
        read_environment({"DAMANCOM_ENV_FILE": str(tmp_path / "absent.env")})


def test_state_dir_defaults_to_platform_user_data_dir():
    assert state_dir({}).name == "damancom-bot"
    assert state_dir({"DAMANCOM_STATE_DIR": "/srv/bot"}) == Path("/srv/bot")
