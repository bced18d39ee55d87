"""The mailbox: first valid code wins, stale codes are dropped, no channel left means stop waiting."""

from __future__ import annotations

import threading

import pytest

from bot.errors import InvalidCode
from bot.handover.mailbox import CLOSED, CODE, READY, RESEND, Mailbox


def test_first_valid_code_wins_across_channels():
    box = Mailbox()
    with pytest.raises(InvalidCode):
        box.offer_code("12a456", "terminal")
    box.offer_code("111 111", "page-locale")
    box.offer_code("222222", "otp-commande")
    first = box.take({CODE}, timeout=0)
    assert (first.value, first.via) == ("111111", "page-locale")
    assert "111111" not in repr(first)


def test_take_waits_for_a_delivery_from_another_thread():
    box = Mailbox()
    threading.Timer(0.05, lambda: box.post(READY, "page-locale")).start()
    assert box.take({READY}, timeout=5).kind == READY


def test_kinds_not_asked_for_stay_queued():
    box = Mailbox()
    box.post(RESEND, "terminal")
    assert box.take({READY}, timeout=0) is None
    assert box.take({CODE, RESEND}, timeout=0).kind == RESEND


def test_discard_drops_only_codes_typed_before_the_mark():
    box = Mailbox()
    box.offer_code("123456", "terminal")
    mark = box.mark()
    box.offer_code("654321", "terminal")
    box.discard(CODE, mark)
    assert box.take({CODE}, timeout=0).value == "654321"
    assert box.take({CODE}, timeout=0) is None


def test_last_channel_closing_ends_the_wait():
    box = Mailbox()
    box.channel_opened("terminal")
    box.channel_opened("otp-commande")
    box.channel_closed("terminal")
    assert box.take({CODE}, timeout=0) is None  # another channel is still open
    box.channel_closed("otp-commande")
    assert box.take({CODE}, timeout=1).kind == CLOSED
