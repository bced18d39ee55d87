"""Demo only: the sandbox's "phone" hands its code straight to the run."""

from __future__ import annotations

import threading

from bot.handover.base import Channel
from bot.handover.mailbox import Mailbox


class OutboxChannel(Channel):
    name = "bac-a-sable"
    automatic = True

    def __init__(self, mailbox: Mailbox, outbox, identifier: str, wait: float):
        self.mailbox, self.outbox, self.identifier, self.wait = mailbox, outbox, identifier, wait
        self._seen = max((s.seq for s in outbox.all()), default=0)

    def open(self, phase: str, hint: str = "", picture=None) -> None:
        if phase == "code":
            self.mailbox.channel_opened(self.name)
            threading.Thread(target=self._forward, name="sandbox-phone", daemon=True).start()

    def _forward(self) -> None:
        sms = self.outbox.wait_for(self.identifier, after_seq=self._seen, timeout=self.wait)
        if sms is not None:
            self._seen = sms.seq
            self.mailbox.offer_code(sms.code, self.name)
