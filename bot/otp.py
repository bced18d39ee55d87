"""Getting the 6-digit SMS code from a person (or, in the demo, from the sandbox's outbox)."""

from __future__ import annotations

import queue
import re
import threading
import time
import unicodedata
from typing import Protocol, TextIO

from bot import redact
from bot.errors import CodeNotProvided, InvalidCode

CODE_RE = re.compile(r"\d{6}")


def parse_code(raw: str) -> str:
    """Exactly 6 digits once spaces are removed; anything else is refused before the portal sees it."""
    code = re.sub(r"\s+", "", raw or "")
    if not CODE_RE.fullmatch(code):
        raise InvalidCode("Le code doit comporter exactement 6 chiffres (par exemple 123456). Saisissez-le à nouveau.")
    # A phone keyboard may give Arabic-Indic or full-width digits: the portal wants ASCII.
    code = "".join(str(unicodedata.decimal(ch)) for ch in code)
    redact.register(code)
    return code


def duration_fr(seconds: float) -> str:
    if seconds >= 60:
        return f"{seconds / 60:.1f}".replace(".0", "").replace(".", ",") + " min"
    return f"{seconds:.0f} s"


class CodeSource(Protocol):
    def get(self, *, again: bool = False) -> str:
        """The code; `again` when the portal refused the previous one."""


class PromptCodeSource:
    """Asks at the terminal (or reads a pipe). Waits at most `wait` seconds from creation (the SMS)."""

    def __init__(self, stdin: TextIO, stdout: TextIO, wait: float, clock=time.monotonic):
        self.stdin, self.stdout = stdin, stdout
        self.clock = clock
        self.deadline: float | None = None  # starts at the first question, right after the SMS
        self.wait = wait
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader: threading.Thread | None = None

    def _read_lines(self) -> None:
        for line in iter(self.stdin.readline, ""):
            self._lines.put(line)
        self._lines.put(None)  # end of input

    def get(self, *, again: bool = False) -> str:
        if self._reader is None:  # a daemon thread: input() cannot time out by itself
            self.deadline = self.clock() + self.wait
            self._reader = threading.Thread(target=self._read_lines, name="code-prompt", daemon=True)
            self._reader.start()
        if again:
            self._say("Le portail a refusé ce code. Vérifiez le SMS et saisissez le code à nouveau.")
        while True:
            self._say("Code reçu par SMS (6 chiffres) : ", end="")
            try:
                line = self._lines.get(timeout=max(0.0, self.deadline - self.clock()))
            except queue.Empty:
                self._say("")
                raise CodeNotProvided(
                    f"Aucun code saisi dans le délai ({duration_fr(self.wait)}). Relancez la commande "
                    "quand vous aurez votre téléphone à portée de main.") from None
            if line is None:
                self._say("")
                raise CodeNotProvided("L'entrée s'est fermée sans code. Relancez la commande et saisissez le code reçu par SMS.")
            try:
                return parse_code(line)
            except InvalidCode as exc:
                self._say(exc.message)

    def _say(self, text: str, end: str = "\n") -> None:
        self.stdout.write(text + end)
        self.stdout.flush()


class OutboxCodeSource:
    """Demo only: reads the code the sandbox "sent" to the account's phone."""

    def __init__(self, outbox, identifier: str, wait: float):
        self.outbox, self.identifier, self.wait = outbox, identifier, wait
        self._seen = max((s.seq for s in outbox.all()), default=0)

    def get(self, *, again: bool = False) -> str:
        sms = self.outbox.wait_for(self.identifier, after_seq=self._seen, timeout=self.wait)
        if sms is None:
            raise CodeNotProvided("Le bac à sable n'a envoyé aucun SMS dans le délai.")
        return parse_code(sms.code)
