"""Where every channel posts what the person gave; the run takes the first valid delivery."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from bot.errors import BadInput, InvalidCode
from bot.handover.code import parse_code
from bot.output.french import HOW_FR, channel_fr  # noqa: F401 - the channels' words, kept below the audit
from bot.system.waiting import slices

CODE, READY, RESEND, ANSWER, CLOSED = "code", "ready", "resend", "answer", "closed"
MAX_ANSWER = 40  # a captcha answer: a few characters, never a paragraph
# Answers to the ready question besides READY: try again at the next window / not this period at all.
NOT_NOW, STOP = "not_now", "stop"


@dataclass(frozen=True)
class Delivery:
    kind: str  # CODE, READY, RESEND, or CLOSED when every channel has gone away
    via: str
    value: str = ""
    seq: int = 0

    def __repr__(self) -> str:  # a code must not show up in a log or a traceback
        return f"Delivery({self.kind!r}, via={self.via!r})"


class Mailbox:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._items: deque[Delivery] = deque()
        self._open: set[str] = set()
        self._seq = 0

    def channel_opened(self, name: str) -> None:
        with self._cond:
            self._open.add(name)

    def channel_closed(self, name: str) -> None:
        """When the last channel goes (say stdin reached its end), the waiting run stops waiting."""
        with self._cond:
            self._open.discard(name)
            if not self._open:
                self._seq += 1
                self._items.append(Delivery(CLOSED, name, seq=self._seq))
            self._cond.notify_all()

    def offer_code(self, raw: str, via: str) -> str:
        """Validates and posts a code; raises InvalidCode (French) for anything but 6 digits."""
        code = parse_code(raw)
        self._post(Delivery(CODE, via, code))
        return code

    def offer_answer(self, raw: str, via: str) -> str:
        """Posts a person's answer to a portal question (captcha); raises BadInput when empty or long."""
        answer = " ".join((raw or "").split())
        if not answer or len(answer) > MAX_ANSWER:
            raise BadInput(
                f"Réponse vide ou trop longue (au plus {MAX_ANSWER} caractères) : recopiez seulement "
                "ce que demande l'image."
            )
        self._post(Delivery(ANSWER, via, answer))
        return answer

    def post(self, kind: str, via: str) -> None:
        self._post(Delivery(kind, via))

    def _post(self, delivery: Delivery) -> None:
        with self._cond:
            self._seq += 1
            self._items.append(Delivery(delivery.kind, delivery.via, delivery.value, self._seq))
            self._cond.notify_all()

    def mark(self) -> int:
        """A point in the stream: `discard(kind, up_to=mark)` later drops only what came before."""
        with self._cond:
            return self._seq

    def take(self, kinds: set[str], timeout: float) -> Delivery | None:
        """The oldest delivery of one of `kinds` (or CLOSED), waiting up to `timeout` seconds."""
        wanted = kinds | {CLOSED}

        def pop() -> Delivery | None:
            for item in list(self._items):
                if item.kind in wanted:
                    self._items.remove(item)
                    return item
            return None

        with self._cond:
            found = pop()
            if found is None and timeout > 0:
                for step in slices(timeout):  # never one long wait: Ctrl-C must get through on Windows
                    if self._cond.wait_for(lambda: any(i.kind in wanted for i in self._items), timeout=step):
                        break
                found = pop()
            return found

    def discard(self, kind: str, up_to: int) -> None:
        """Drops stale deliveries (a code typed for an SMS the portal has since replaced)."""
        with self._cond:
            self._items = deque(i for i in self._items if i.kind != kind or i.seq > up_to)


__all__ = ["Mailbox", "Delivery", "InvalidCode", "CODE", "READY", "RESEND", "ANSWER", "CLOSED", "NOT_NOW", "STOP"]
