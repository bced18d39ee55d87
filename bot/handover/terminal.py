"""The terminal (or a pipe): the person types the code at the prompt."""

from __future__ import annotations

import threading
from typing import TextIO

from bot.errors import BadInput, InvalidCode
from bot.handover.base import Channel
from bot.handover.mailbox import RESEND, Mailbox

RESEND_WORDS = {"r", "renvoyer", "renvoi"}


class TerminalChannel(Channel):
    name = "terminal"
    prints_own_prompt = True  # its prompt carries the hint
    asks_confirmation = True

    def __init__(self, mailbox: Mailbox, stdin: TextIO, stdout: TextIO):
        self.mailbox, self.stdin, self.stdout = mailbox, stdin, stdout
        self._asking = threading.Event()
        self._reader: threading.Thread | None = None
        self.phase = ""

    def open(self, phase: str, hint: str = "", picture=None) -> None:
        if phase not in ("code", "question", "confirm"):
            return  # the ready gate is for unattended runs, which have no terminal
        self.phase = phase
        if hint:
            self._say(hint)
        self._ask()
        if self._reader is None:
            self.mailbox.channel_opened(self.name)
            # A daemon thread: a blocking readline cannot be given a timeout.
            self._reader = threading.Thread(target=self._read, name="code-prompt", daemon=True)
            self._reader.start()

    def can_read(self) -> bool:
        """False once the input has reached its end (nothing more can be typed)."""
        return self._reader is None or self._reader.is_alive()

    def refused(self) -> None:
        self._say("Le portail a refusé ce code. Vérifiez le SMS et saisissez le code à nouveau.")
        self._ask()

    def close(self) -> None:
        self._asking.clear()

    def _ask(self) -> None:
        self._asking.set()
        # Each prompt ends its line: what is printed next (a log line, a code typed in another
        # terminal) never lands after it.
        if self.phase == "question":
            self._say("Réponse à la question du portail (tapez-la puis Entrée) :")
            return
        if self.phase == "confirm":
            self._say("Confirmer le dépôt ? Tapez « oui » pour valider la déclaration, « non » pour l'annuler :")
            return
        self._say("Code reçu par SMS (6 chiffres, ou « r » pour le renvoyer), puis Entrée :")

    def _read(self) -> None:
        # Lines typed ahead (a pipe delivers them all at once) are kept: the next question takes them.
        for line in iter(self.stdin.readline, ""):
            if self.phase in ("question", "confirm"):
                try:
                    answer = line if line.strip() or self.phase != "confirm" else "non"
                    self.mailbox.offer_answer(answer, self.name)
                    self.phase = ""
                    self._asking.clear()
                except BadInput as exc:
                    self._say(exc.message)
                    self._ask()
                continue
            if line.strip().lower() in RESEND_WORDS:
                self.mailbox.post(RESEND, self.name)
                continue
            try:
                self.mailbox.offer_code(line, self.name)
                self._asking.clear()
            except InvalidCode as exc:
                self._say(exc.message)
                self._ask()
        if self._asking.is_set():
            self._say("")
        self.mailbox.channel_closed(self.name)

    def _say(self, text: str, end: str = "\n") -> None:
        self.stdout.write(text + end)
        self.stdout.flush()
