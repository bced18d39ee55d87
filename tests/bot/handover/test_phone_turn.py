"""One code at a time per phone: which phone an account's codes go to, and the turn (an OS file
lock) that accounts on one phone take, across threads as in `login --all`."""

from __future__ import annotations

import threading

import pytest

from bot.errors import AccountBusy
from bot.handover import phone_turn
from bot.handover.mailbox import Mailbox
from bot.handover.session import HandOver
from bot.settings.config import Settings
from tests.support.waiting import wait_until


def settings(tmp_path, account, **more) -> Settings:
    return Settings(account=account, state_dir=tmp_path, **more)


def test_which_phone(tmp_path):
    same = {
        phone_turn.key(settings(tmp_path, "A", phone="06 12 34 56 78")),
        phone_turn.key(settings(tmp_path, "B", phone="+212 6 12 34 56 78")),
        phone_turn.key(settings(tmp_path, "C", phone="06.12.34.56.78", telegram_chats=(1,))),
    }
    assert len(same) == 1  # the number, however written, comes before anything else
    assert phone_turn.key(settings(tmp_path, "D", telegram_chats=(5, 4))) == "telegram-4-5"
    assert phone_turn.key(settings(tmp_path, "E", telegram_chats=(4, 5))) == "telegram-4-5"  # one chat, one phone
    assert phone_turn.key(settings(tmp_path, "F")) == "compte-F"  # nothing known: on its own


def test_the_code_screen_teaches_the_phone(tmp_path):
    """The masked number the portal shows is remembered: next time, accounts with the same one take turns."""
    for account in ("A", "B"):
        person = HandOver(Mailbox(), [phone_turn.PhoneMemory(tmp_path, account)], account=account, code_wait=30)
        person.code_screen_shown("06 •• •• •• 78")
    assert phone_turn.key(settings(tmp_path, "A", telegram_chats=(1,))) == phone_turn.key(settings(tmp_path, "B"))
    assert phone_turn.key(settings(tmp_path, "A")) == "masque-06x78"


def test_a_second_account_on_the_phone_waits_and_is_told_for_whom(tmp_path):
    first, second = (
        settings(tmp_path, "PHARMA-1", phone="0612345678"),
        settings(tmp_path, "PHARMA-2", phone="0612345678"),
    )
    said, order, release = [], [], threading.Event()

    def run(one, name):
        with phone_turn.turn(one, said.append):
            order.append(name)
            if name == "first":
                release.wait(30)

    holder = threading.Thread(target=run, args=(first, "first"))
    holder.start()
    wait_until(lambda: order == ["first"], timeout=30)
    waiter = threading.Thread(target=run, args=(second, "second"))
    waiter.start()
    wait_until(lambda: said, timeout=30)
    assert order == ["first"]  # the second waits for the phone
    assert said == [
        "Compte PHARMA-2 : le téléphone qui reçoit ses codes attend déjà le code du compte PHARMA-1 ; "
        "ce compte passe après lui (un seul code à la fois par téléphone)."
    ]
    release.set()
    holder.join(30)
    waiter.join(30)
    assert order == ["first", "second"]


def test_waiting_too_long_is_busy_exit_7(tmp_path):
    one, other = settings(tmp_path, "PHARMA-1", phone="0612345678"), settings(tmp_path, "PHARMA-2", phone="0612345678")
    with phone_turn.turn(one, print):
        with pytest.raises(AccountBusy) as busy:
            with phone_turn.turn(other, lambda text: None, wait=0.3):
                pass
    assert busy.value.exit_code == 7 and "reçoit encore le code du compte PHARMA-1" in busy.value.message
    with phone_turn.turn(other, print):  # released: at once
        pass
