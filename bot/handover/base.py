"""What every way of reaching the person is: the channel contract, with its capabilities as
attributes, so the orchestrator (`session.py`) asks what a channel can do instead of who it is.

Adding a channel = one file implementing `Channel`, one settings block, one line in `build.py`.
"""

from __future__ import annotations

from pathlib import Path

from bot.handover.mailbox import channel_fr


class Channel:
    name = ""  # how deliveries name it (`Delivery.via`), and the key of its French words
    automatic = False  # hands the code over by itself (the sandbox's phone): the person types nothing
    shows_pictures = False  # `open("question", hint, picture)` shows the portal's question screenshot
    prints_own_prompt = False  # prints the hint with its own prompt, once the code screen is shown
    asks_confirmation = False  # can ask « Confirmer le dépôt ? » and read the answer (`can_read`)
    knows_phone = False  # is told the masked number the code screen names (`phone_known`)
    answer_way = ""  # French words saying how the person answers through it, when not already said

    @property
    def label(self) -> str:
        """The channel in French, as the person reads it (reports, logs)."""
        return channel_fr(self.name)

    def open(self, phase: str, hint: str = "", picture: Path | None = None) -> None:
        """A phase begins: « ready », « code », « question » (with `picture`), « confirm »."""
        raise NotImplementedError

    def refused(self) -> None:
        """The portal refused the last code: the next one is needed."""

    def phone_known(self, phone: str | None) -> None:
        """The masked number the portal sent the code to (only where `knows_phone`)."""

    def can_read(self) -> bool:
        """Whether the person can still type an answer here (only where `asks_confirmation`)."""
        return False

    def close(self) -> None:
        """The run is over: nothing of it stays open, nor any code on disk."""
