"""The Telegram channel in-process, against the stand-in Bot API server (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest

from bot.errors import PersonDeclined
from bot.handover import telegram_text
from bot.handover.mailbox import CODE, NOT_NOW, READY, RESEND, STOP, Mailbox
from bot.handover.session import HandOver
from bot.handover.telegram_api import BotApi, TelegramFailed
from bot.output.notify import Budget, Notifier
from bot.system.clock import TZ
from tests.support.telegram_api import ME, STRANGER, TOKEN


@pytest.fixture
def channel(telegram_channel):
    return telegram_channel()


def reply_to(telegram, text_part: str):
    return telegram.wait_for_sent(lambda m: text_part in m.text)


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("Prêt", "word", "ready"),
        ("  pret ! ", "word", "ready"),
        ("Oui", "word", "ready"),
        ("STOP", "word", "stop"),
        ("pas maintenant", "word", "not_now"),
        ("123456", "code", "123456"),
        ("123 456", "code", "123456"),
        ("CNSS: votre code de connexion Damancom est 654321. Il expire dans 5 min.", "code", "654321"),
        ("Code 111111 ou 222222", "several", ""),
        ("bonjour", "none", ""),
        ("12345", "none", ""),
        ("Le 0612345678 a reçu 123456", "code", "123456"),  # a phone number is not a 6-digit group
    ],
)
def test_reading_a_message(text, kind, value):
    reading = telegram_text.read(text)
    assert (reading.kind, reading.value) == (kind, value)
    assert value not in repr(reading) or not value


def test_masked_phone_from_the_portal_text():
    assert telegram_text.masked_phone("envoyé par SMS au 06 •• •• •• 78. Il est valable") == "06 •• •• •• 78"
    assert telegram_text.masked_phone("Code demandé : donnez-le") is None


def test_ready_button_then_code_typed_with_a_space(channel, telegram):
    channel.open("ready")
    question = reply_to(telegram, "Prêt à recevoir le SMS ?")
    assert [label for label, _ in question.buttons] == ["Je suis prêt", "Pas maintenant"]
    telegram.press(ME, "ready")
    assert channel.mailbox.take({READY}, timeout=30).via == "telegram"
    assert question.buttons == [] and "Prêt : le bot demande le code" in question.text  # edited, not a new message
    channel.open("code", "Un code à 6 chiffres a été envoyé par SMS au 06 •• •• •• 78.")
    prompt = reply_to(telegram, "Damancom (PHARMA-DEMO)\nCode envoyé au 06 •• •• •• 78 : répondez avec le code")
    assert prompt.buttons == [("Renvoyer le code", "resend")]
    typed = telegram.user_says(ME, "482 913")
    assert channel.mailbox.take({CODE}, timeout=30).value == "482913"
    reply_to(telegram, "Code reçu, connexion en cours")
    assert (ME, typed) in telegram.deleted  # the person's message holding the code is gone
    assert all("482913" not in m.text and "482 913" not in m.text for m in telegram.sent())


def test_the_times_in_the_questions_are_morocco_time_whatever_the_machine_zone(telegram_channel, telegram, monkeypatch):
    from datetime import timedelta

    from bot.system import clock

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: never Morocco's hour
    time.tzset()
    try:
        assert datetime.now().strftime("%H") != clock.now().strftime("%H")  # the test means something
        before = clock.now()
        channel = telegram_channel(ready_wait=900, code_wait=300)
        channel.open("ready")
        ready = reply_to(telegram, "Prêt à recevoir le SMS ?").text
        channel.open("code", "Un code à 6 chiffres a été envoyé par SMS au 06 •• •• •• 78.")
        code = reply_to(telegram, "À donner avant").text
        after = clock.now()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    for text, wait in ((ready, 900), (code, 300)):
        said = {(moment + timedelta(seconds=wait)).strftime("%H:%M") for moment in (before, after)}
        assert any(f"avant {hh_mm} (heure du Maroc)" in text for hh_mm in said), text


def test_code_prompt_without_a_known_number_says_registered_phone(channel, telegram):
    channel.open("code", "Code demandé : donnez-le avec la page locale.")
    reply_to(telegram, "Code envoyé au téléphone enregistré")


def test_words_typed_instead_of_buttons(telegram, telegram_channel):
    for word, kind in (("prêt", READY), ("Pas maintenant", NOT_NOW), ("stop", STOP)):
        mailbox = Mailbox()
        channel = telegram_channel(mailbox)
        channel.open("ready")
        telegram.user_says(ME, word)
        assert mailbox.take({READY, NOT_NOW, STOP}, timeout=30).kind == kind
        channel.close()


def test_forwarded_sms_with_several_codes_is_refused_and_deleted(channel, telegram):
    channel.open("code")
    message = telegram.user_says(ME, "Code 111111 (ancien), nouveau code 222222")
    reply_to(telegram, "plusieurs nombres à 6 chiffres")
    assert (ME, message) in telegram.deleted
    telegram.user_says(ME, "Votre code Damancom : 333333. Ne le communiquez à personne.")
    assert channel.mailbox.take({CODE}, timeout=30).value == "333333"


def test_another_chat_is_ignored(channel, telegram):
    channel.open("code")
    telegram.user_says(STRANGER, "999999")
    telegram.press(STRANGER, "resend", message_id=1)
    telegram.user_says(ME, "123123")  # processed after the stranger's: the order proves they were skipped
    assert channel.mailbox.take({CODE, RESEND}, timeout=30).value == "123123"
    assert channel.mailbox.take({CODE, RESEND}, timeout=0) is None
    assert telegram.sent(STRANGER) == [] and (STRANGER, 1) not in telegram.deleted


def test_messages_sent_before_the_run_are_not_taken(telegram, telegram_channel):
    telegram.user_says(ME, "555555")  # an old code from an earlier run
    mailbox = Mailbox()
    channel = telegram_channel(mailbox)
    channel.open("code")
    telegram.user_says(ME, "666666")
    assert mailbox.take({CODE}, timeout=30).value == "666666"
    assert telegram.pending_updates() <= 1  # what was read is confirmed with the offset


def test_resend_button_and_stale_button(channel, telegram):
    channel.open("code")
    reply_to(telegram, "Code envoyé")
    telegram.press(ME, "resend")
    assert channel.mailbox.take({RESEND}, timeout=30).kind == RESEND
    channel.open("code", "Un nouveau code a été demandé au portail.")
    reply_to(telegram, "(PHARMA-DEMO)\nNouveau code envoyé")
    telegram.user_says(ME, "101010")
    assert channel.mailbox.take({CODE}, timeout=30).value == "101010"
    stale = telegram.press(ME, "resend", message_id=telegram.sent()[0].message_id)
    telegram.user_says(ME, "/start")
    reply_to(telegram, "relié à cette discussion")
    assert stale in telegram.answered_callbacks


def test_unanswered_question_is_settled_on_close(telegram, telegram_channel):
    channel = telegram_channel()
    channel.open("ready")
    question = reply_to(telegram, "Prêt à recevoir")
    channel.close()
    assert question.buttons == [] and "aucun SMS n'a été demandé" in question.text


def answer_when_asked(telegram, act) -> None:
    """The person's phone: waits for the question, then answers (in its own thread, as a phone would)."""

    def answer():
        reply_to(telegram, "Prêt à recevoir")
        act()

    threading.Thread(target=answer, daemon=True).start()


@pytest.mark.parametrize(
    "reason, act",
    [
        ("not_now", lambda telegram: telegram.press(ME, "not_now")),
        ("stop", lambda telegram: telegram.user_says(ME, "stop")),
    ],
)
def test_person_declines_through_the_hand_over(telegram, telegram_channel, reason, act):
    mailbox = Mailbox()
    channel = telegram_channel(mailbox)
    person = HandOver(
        mailbox,
        [channel],
        account="PHARMA-DEMO",
        code_wait=30,
        ready_wait=30,
        unattended=True,
        notifier=Notifier([], sink=channel),
    )
    answer_when_asked(telegram, lambda: act(telegram))
    with pytest.raises(PersonDeclined) as declined:
        person.before_sms()
    person.close()
    assert declined.value.reason == reason and declined.value.exit_code == 3
    # the notification repeating the question was not sent a second time
    assert [m.text for m in telegram.sent()].count(telegram.sent()[0].text) == 1 and len(telegram.sent()) == 1


def test_notifications_go_to_the_chat_with_the_report_and_the_qr_as_a_photo(telegram, tmp_path):
    from bot.handover.telegram import TelegramSink

    report, qr = tmp_path / "report.html", tmp_path / "qr.png"
    report.write_text("<html>rapport</html>", encoding="utf-8")
    qr.write_bytes(b"\x89PNG fake")
    notifier = Notifier([], sink=TelegramSink(BotApi(TOKEN, telegram.url), (ME,)))
    assert notifier.send("Damancom : connexion réussie", "Espace affilié atteint.", attach=[report])
    assert notifier.send("Damancom : approuvez la connexion e-ID", "Scannez le code QR.", attach=qr)
    kinds = [(m.method, m.file_name) for m in telegram.sent(ME)]
    assert kinds == [("sendMessage", ""), ("sendDocument", "report.html"), ("sendMessage", ""), ("sendPhoto", "qr.png")]
    assert telegram.sent(ME)[1].file_bytes == b"<html>rapport</html>"


class Collect:
    def accepts(self, title):
        return True

    def deliver(self, title, body, files):
        return True


def test_monthly_budget_last_message_then_silence_but_urgent(tmp_path):
    now = [datetime(2026, 11, 3, 21, 0, tzinfo=TZ)]
    notifier = Notifier([], sink=Collect(), budget=Budget(tmp_path, 3, lambda: now[0]))
    for n in range(5):
        notifier.send(f"Titre {n}", "corps")
    assert [t for t, _ in notifier.sent] == ["Titre 0", "Titre 1", "Titre 2"]
    assert "dernière notification de ce mois" in notifier.sent[-1][1] and "1er décembre" in notifier.sent[-1][1]
    notifier.send("Damancom : échéance dépassée", "Faites-la.", urgent=True)
    assert notifier.sent[-1][0] == "Damancom : échéance dépassée"
    now[0] = datetime(2026, 12, 1, 6, 0, tzinfo=TZ)
    notifier.send("Titre décembre", "corps")
    assert notifier.sent[-1][0] == "Titre décembre"


def test_the_ready_question_is_asked_past_the_monthly_budget(telegram, telegram_channel, tmp_path):
    """Budget spent on the 6th: the deadline evening's « prêt ? » still reaches the phone, answered."""
    budget = Budget(tmp_path, 1, lambda: datetime(2026, 11, 10, 21, 0, tzinfo=TZ))
    notifier = Notifier([], sink=Collect(), budget=budget)
    notifier.send("Damancom : portail indisponible", "corps")
    assert not notifier.send("Damancom : portail indisponible", "encore")  # the budget is spent
    mailbox = Mailbox()
    channel = telegram_channel(mailbox, budget=budget)
    person = HandOver(
        mailbox,
        [channel],
        account="PHARMA-DEMO",
        code_wait=30,
        ready_wait=30,
        unattended=True,
        notifier=Notifier([], sink=channel, budget=budget),
    )
    answer_when_asked(telegram, lambda: telegram.press(ME, "ready"))
    try:
        person.before_sms()  # answered: no CodeNotProvided
    finally:
        person.close()
    assert "Prêt à recevoir le SMS ?" in telegram.sent()[0].text


def test_client_errors_never_carry_the_token(telegram):
    with pytest.raises(TelegramFailed) as refused:
        BotApi("987654321:AAwrongTokenwrongTokenwrongToken_xx", telegram.url).get_me()
    assert refused.value.status == 401 and "AAwrong" not in str(refused.value)
    with pytest.raises(TelegramFailed) as unreachable:
        BotApi(TOKEN, "http://127.0.0.1:9").get_me()
    assert TOKEN not in str(unreachable.value)


def test_sms_channel_of_a_forwarding_app_is_read_never_written(telegram, telegram_channel):
    sms_channel, other_channel = -1001234, -1009999
    mailbox = Mailbox()
    channel = telegram_channel(mailbox, sms_chats=(sms_channel,))
    channel.open("code")
    telegram.channel_post(other_channel, "Votre code Damancom : 777777")
    post = telegram.channel_post(
        sms_channel, "De : CNSS\nVotre code de connexion Damancom est 246810. Recu le 27/11/2026 21:05 (+212612345678)"
    )
    assert mailbox.take({CODE}, timeout=30).value == "246810"
    reply_to(telegram, "SMS transféré reçu, connexion en cours")
    assert (sms_channel, post) in telegram.deleted
    assert mailbox.take({CODE}, timeout=0) is None  # the other channel's post was not read
    assert telegram.sent(sms_channel) == [] and telegram.sent(other_channel) == []


def test_a_button_of_an_older_question_answers_nothing(telegram, telegram_channel):
    first = telegram_channel()
    first.open("ready")
    old_question = reply_to(telegram, "Prêt à recevoir")
    first.close()
    mailbox = Mailbox()
    channel = telegram_channel(mailbox)
    channel.open("ready")
    stale = telegram.press(ME, "ready", message_id=old_question.message_id)
    telegram.user_says(ME, "pas maintenant")
    assert mailbox.take({READY, NOT_NOW}, timeout=30).kind == NOT_NOW
    assert stale in telegram.answered_callbacks


def test_telegram_down_at_start_then_back_reads_nothing_older(telegram, telegram_channel):
    """The first answer from Telegram, late, still skips what was sent before it came back."""
    mailbox = Mailbox()
    api = BotApi(TOKEN, "http://127.0.0.1:9")  # unreachable at first
    channel = telegram_channel(mailbox, api)
    telegram.user_says(ME, "111111")  # stale: sent while the bot could not read
    api.base = telegram.url
    channel.open("code")
    reply_to(telegram, "Code envoyé")
    telegram.user_says(ME, "222222")
    assert mailbox.take({CODE}, timeout=60).value in ("222222",)
    assert mailbox.take({CODE}, timeout=0) is None
