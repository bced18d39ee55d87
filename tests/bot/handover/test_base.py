"""Every way of reaching the person implements the one channel contract (`bot/handover/base.py`):
the orchestrator reads capabilities, never names."""

from __future__ import annotations

import inspect

import pytest

from bot.handover import base, dropbox, outbox, phone_turn, telegram, terminal, webpage
from bot.handover.mailbox import HOW_FR

CHANNELS = [
    terminal.TerminalChannel,
    dropbox.DropboxChannel,
    webpage.LocalPageChannel,
    telegram.TelegramChannel,
    outbox.OutboxChannel,
    phone_turn.PhoneMemory,
]
CAPABILITIES = ("automatic", "shows_pictures", "prints_own_prompt", "asks_confirmation", "knows_phone")


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda c: c.__name__)
def test_each_channel_implements_the_base_and_has_french_words(channel):
    assert issubclass(channel, base.Channel)
    assert channel.name and channel.name in HOW_FR, "its French words, for reports and logs"
    assert channel.open is not base.Channel.open
    assert list(inspect.signature(channel.open).parameters)[:4] == ["self", "phase", "hint", "picture"]
    assert all(isinstance(getattr(channel, flag), bool) for flag in CAPABILITIES)


def test_capabilities_are_declared_not_probed():
    session = inspect.getsource(__import__("bot.handover.session", fromlist=["x"]))
    assert "getattr(" not in session and "hasattr(" not in session
    assert ".name ==" not in session and ".name !=" not in session


def test_only_the_terminal_prints_its_own_prompt_and_confirms():
    assert [c.__name__ for c in CHANNELS if c.prints_own_prompt] == ["TerminalChannel"]
    assert [c.__name__ for c in CHANNELS if c.asks_confirmation] == ["TerminalChannel"]
    assert [c.__name__ for c in CHANNELS if c.automatic] == ["OutboxChannel"]
