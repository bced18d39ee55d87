"""`damancom-bot telegram setup|test`, the settings and doctor's check, in-process against the stand-in."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.env import Env
from bot.run import doctor_checks
from bot.settings.config import load_settings
from tests.support.telegram_api import ME, TOKEN


def cli(tmp_path, argv, environ, stdin=""):
    env = Env(
        environ={"DAMANCOM_STATE_DIR": str(tmp_path / "state"), **environ},
        stdin=io.StringIO(stdin),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    code = main(argv, env)
    return code, env.stdout.getvalue(), env.stderr.getvalue()


def test_setup_checks_the_token_finds_the_chat_and_writes_env(tmp_path, telegram):
    env_file = tmp_path / "mon dossier é" / ".env"
    env_file.parent.mkdir()
    env_file.write_text("DAMANCOM_IDENTIFIER=PHARMA-DEMO\nDAMANCOM_PASSWORD=Demo-Officine-2025\n", encoding="utf-8")
    telegram.user_says(ME, "/start")
    code, out, err = cli(
        tmp_path,
        ["telegram", "setup"],
        {"DAMANCOM_ENV_FILE": str(env_file), "DAMANCOM_TELEGRAM_API": telegram.url},
        stdin=TOKEN + "\n",
    )
    assert code == 0, err
    assert "@BotFather" in out and "votre bot est @damancom_test_bot" in out and "n° 4242" in out
    assert TOKEN not in out + err
    written = env_file.read_text(encoding="utf-8")
    assert "DAMANCOM_PASSWORD=Demo-Officine-2025" in written  # the rest of .env is kept
    assert f"DAMANCOM_TELEGRAM_TOKEN={TOKEN}" in written and "DAMANCOM_TELEGRAM_CHAT=4242" in written
    assert "damancom-bot est relié à cette discussion" in telegram.sent(ME)[0].text
    assert telegram.pending_updates() == 0  # the /start is confirmed: no run will read it as an answer
    code, out, err = cli(
        tmp_path, ["telegram", "test"], {"DAMANCOM_ENV_FILE": str(env_file), "DAMANCOM_TELEGRAM_API": telegram.url}
    )
    assert code == 0, err
    assert "Message de test envoyé par @damancom_test_bot à 1 discussion(s)" in out
    assert "Telegram fonctionne" in telegram.sent(ME)[-1].text


def test_setup_refuses_a_token_telegram_does_not_know(tmp_path, telegram):
    code, out, err = cli(
        tmp_path,
        ["telegram", "setup", "--token", "111111111:AAunknownunknownunknownunknown_xx"],
        {"DAMANCOM_TELEGRAM_API": telegram.url},
    )
    assert code == 2 and "Telegram refuse ce jeton" in err and "AAunknown" not in out + err


def test_setup_without_any_start_message_stops_with_a_french_error(tmp_path, telegram):
    code, out, err = cli(
        tmp_path, ["telegram", "setup", "--token", TOKEN, "--wait", "1"], {"DAMANCOM_TELEGRAM_API": telegram.url}
    )
    assert code == 2 and "Aucun message reçu par @damancom_test_bot" in err


def test_test_without_configuration(tmp_path):
    code, _, err = cli(tmp_path, ["telegram", "test"], {})
    assert code == 2 and "telegram setup" in err


@pytest.mark.parametrize(
    "environ, words",
    [
        ({"DAMANCOM_TELEGRAM_TOKEN": "pas-un-jeton", "DAMANCOM_TELEGRAM_CHAT": "1"}, "DAMANCOM_TELEGRAM_TOKEN"),
        ({"DAMANCOM_TELEGRAM_TOKEN": TOKEN}, "DAMANCOM_TELEGRAM_CHAT est vide"),
        ({"DAMANCOM_TELEGRAM_CHAT": "42"}, "DAMANCOM_TELEGRAM_TOKEN est vide"),
        ({"DAMANCOM_TELEGRAM_TOKEN": TOKEN, "DAMANCOM_TELEGRAM_CHAT": "42 salma"}, "« salma »"),
        (
            {"DAMANCOM_TELEGRAM_TOKEN": TOKEN, "DAMANCOM_TELEGRAM_CHAT": "42", "DAMANCOM_TELEGRAM_API": "ftp://x"},
            "DAMANCOM_TELEGRAM_API",
        ),
        ({"DAMANCOM_NOTIFY_BUDGET": "0"}, "DAMANCOM_NOTIFY_BUDGET"),
    ],
)
def test_bad_telegram_settings_name_their_variable(environ, words):
    from bot.errors import ConfigError

    with pytest.raises(ConfigError) as bad:
        load_settings(environ, need_credentials=False)
    assert words in bad.value.message and TOKEN not in bad.value.message


def test_settings_register_the_token_as_a_secret():
    from bot.output.redact import scrub

    settings = load_settings(
        {"DAMANCOM_TELEGRAM_TOKEN": TOKEN, "DAMANCOM_TELEGRAM_CHAT": "42, -100123"}, need_credentials=False
    )
    assert settings.telegram_chats == (42, -100123) and TOKEN not in repr(settings)
    assert TOKEN not in scrub(f"https://api.telegram.org/bot{TOKEN}/getMe")


def test_doctor_checks_the_channel(telegram):
    settings = load_settings(
        {"DAMANCOM_TELEGRAM_TOKEN": TOKEN, "DAMANCOM_TELEGRAM_CHAT": "42", "DAMANCOM_TELEGRAM_API": telegram.url},
        need_credentials=False,
    )
    check = doctor_checks.telegram(settings)
    assert check.ok and "@damancom_test_bot" in check.detail
    broken = doctor_checks.telegram(settings.with_(telegram_api="http://127.0.0.1:9"))
    assert not broken.ok and broken.blocking and "Telegram injoignable" in broken.detail
    assert doctor_checks.telegram(load_settings({}, need_credentials=False)).ok


def test_setup_sms_finds_the_forwarding_channel(tmp_path, telegram):
    env_file = tmp_path / ".env"
    env_file.write_text(f"DAMANCOM_TELEGRAM_TOKEN={TOKEN}\nDAMANCOM_TELEGRAM_CHAT=4242\n", encoding="utf-8")
    telegram.channel_post(-1001234, "essai")
    code, out, err = cli(
        tmp_path,
        ["telegram", "setup", "--sms"],
        {"DAMANCOM_ENV_FILE": str(env_file), "DAMANCOM_TELEGRAM_API": telegram.url},
    )
    assert code == 0, err
    assert "« SMS CNSS », n° -1001234" in out
    written = env_file.read_text(encoding="utf-8")
    assert "DAMANCOM_TELEGRAM_SMS_CHAT=-1001234" in written and "DAMANCOM_TELEGRAM_CHAT=4242" in written
    settings = load_settings(
        {
            "DAMANCOM_ENV_FILE": str(env_file),
            **dict(line.split("=", 1) for line in written.splitlines() if "=" in line),
        },
        need_credentials=False,
    )
    assert settings.telegram_sms_chats == (-1001234,) and settings.telegram_chats == (4242,)
