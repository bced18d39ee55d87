"""Telegram end to end: the bot in this process (`InProcessLogin`), the sandbox portal, the stand-in Bot API server;
the test plays the person's phone. Then every message, photo and document the bot sent is scanned."""

from __future__ import annotations

import json

import pytest

from tests.bot.commands.bot_process import InProcessLogin
from tests.conftest import assert_no_secret
from tests.support.telegram_api import ME, STRANGER, TOKEN
from tests.support.waiting import sms_code


@pytest.fixture
def start(tmp_path, cli_env, sandbox, demo_account, telegram):
    started: list[InProcessLogin] = []

    def run(*args: str, **env: str) -> InProcessLogin:
        environ = {
            **cli_env,
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": demo_account.identifier,
            "DAMANCOM_PASSWORD": demo_account.password,
            "DAMANCOM_LOCAL_PAGE": "0",
            "DAMANCOM_TELEGRAM_TOKEN": TOKEN,
            "DAMANCOM_TELEGRAM_CHAT": str(ME),
            "DAMANCOM_TELEGRAM_API": telegram.url,
            **env,
        }
        bot = InProcessLogin(tmp_path, environ, ["login", *args])
        started.append(bot)
        return bot

    yield run
    for bot in started:
        bot.kill()


def everything_sent(telegram) -> list[str]:
    """Each text, each edit, and each file's bytes the bot put in any chat."""
    texts = []
    for message in telegram.sent():
        texts += [message.text, *message.edits, message.file_bytes.decode("latin-1")]
    return texts


def scan(telegram, bot, tmp_path, secrets) -> None:
    assert_no_secret(
        [*secrets, TOKEN],
        *everything_sent(telegram),
        bot.out,
        bot.err,
        roots=(tmp_path / "recordings", tmp_path / "state"),
    )


def test_attended_login_answered_from_the_chat(start, sandbox, demo_account, telegram, tmp_path):
    bot = start()
    telegram.wait_for_sent(lambda m: "Code envoyé au téléphone enregistré" in m.text)
    code = sms_code(sandbox)
    typed = telegram.user_says(ME, code[:3] + " " + code[3:])
    assert bot.finish() == 0, bot.err
    assert (ME, typed) in telegram.deleted
    telegram.wait_for_sent(lambda m: m.text == "Code reçu, connexion en cours…")
    outcome = telegram.wait_for_sent(lambda m: m.text.startswith("Damancom : connexion réussie"))
    report = telegram.wait_for_sent(lambda m: m.method == "sendDocument")
    assert report.file_name == "report.html" and b"rapport d'ex" in report.file_bytes
    assert telegram.sent().index(outcome) < telegram.sent().index(report)
    # the « code SMS envoyé » notification repeats the question asked in the chat: not sent twice
    assert not any(m.text.startswith("Damancom : code SMS envoyé") for m in telegram.sent())
    scan(telegram, bot, tmp_path, [code, demo_account.password])


def test_unattended_ready_then_a_forwarded_sms_and_a_stranger_ignored(start, sandbox, demo_account, telegram, tmp_path):
    bot = start("--unattended")
    question = telegram.wait_for_sent(lambda m: "Prêt à recevoir le SMS ?" in m.text)
    assert question.buttons == [("Je suis prêt", "ready"), ("Pas maintenant", "not_now")]
    assert sandbox.outbox.all() == []  # nothing before the person says so
    telegram.user_says(ME, "Prêt !")
    code = sms_code(sandbox)
    telegram.wait_for_sent(lambda m: "Code envoyé" in m.text)
    telegram.user_says(STRANGER, code)  # someone else who learnt the code: not an allowed chat
    telegram.user_says(
        ME,
        f"CNSS DAMANCOM : votre code de connexion est {code}. Il est valable 5 minutes. Ne le communiquez à personne.",
    )
    assert bot.finish() == 0, bot.err
    assert telegram.sent(STRANGER) == [] and not any(chat == STRANGER for chat, _ in telegram.deleted)
    assert "discussion non autorisée (666)" in (tmp_path / "state" / "logs" / "damancom-bot.log").read_text("utf-8")
    assert "Prêt : le bot demande le code au portail." in question.text and question.buttons == []
    assert len(sandbox.outbox.all()) == 1
    scan(telegram, bot, tmp_path, [code, demo_account.password])


def test_not_now_is_in_the_result_json_and_sends_no_sms(start, sandbox, telegram, tmp_path):
    result = tmp_path / "résultat essai.json"
    bot = start("--unattended", "--period", "2026-10", "--result-json", str(result))
    telegram.wait_for_sent(lambda m: "Prêt à recevoir le SMS ?" in m.text)
    telegram.press(ME, "not_now")
    assert bot.finish() == 3, bot.err
    data = json.loads(result.read_text(encoding="utf-8"))
    assert data["exit_code"] == 3 and data["reason"] == "not_now" and "Pas maintenant" in data["message"]
    assert sandbox.outbox.all() == []
    # the person has just answered: no « échec » notification on top of it
    assert not any("échec" in m.text for m in telegram.sent())
