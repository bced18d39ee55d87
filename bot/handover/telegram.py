"""Telegram, both ways: the bot asks « Prêt à recevoir le SMS ? » and takes the code from the phone.

Long polling (getUpdates) in a daemon thread: no inbound port, no public address. Only the chats
in DAMANCOM_TELEGRAM_CHAT count; anything else is logged without its text. A code is never echoed
and the message holding it is deleted once read. The channel is also the run's Telegram
notification sink: the notification that merely repeats the question it has just asked is not sent
twice.
"""

from __future__ import annotations

import threading
from pathlib import Path

from loguru import logger

from bot.errors import BadInput, InvalidCode
from bot.handover import telegram_text
from bot.handover.base import Channel
from bot.handover.mailbox import NOT_NOW, READY, RESEND, STOP, Mailbox
from bot.handover.telegram_api import BotApi, TelegramFailed
from bot.handover.telegram_poll import UpdatesPoller
from bot.output.redact import scrub
from bot.system import clock

POLL_SECONDS = 2  # the long-poll timeout: also how long close() may leave the thread running
MAX_TEXT = 4000  # Telegram's limit is 4096 characters

NOTHING_WAITING = "Aucune connexion n'attend de réponse pour le moment."


class _ChatWriter:
    """Writes to every allowed chat; a failure is logged, never fatal."""

    def __init__(self, api: BotApi, chats: tuple[int, ...]):
        self.api, self.chats = api, tuple(chats)

    def _write(self, text: str, buttons: list[tuple[str, str]] | None = None, chats=None) -> list[tuple[int, int, str]]:
        text = scrub(text)[:MAX_TEXT]
        written = []
        for chat in chats or self.chats:
            try:
                written.append((chat, self.api.send_message(chat, text, buttons)["message_id"], text))
            except TelegramFailed as exc:
                logger.warning("Message Telegram non envoyé : {}", scrub(str(exc)))
        return written

    def _send_files(self, files: list[Path], caption: str) -> bool:
        ok = True
        for path in files:
            for chat in self.chats:
                try:
                    self.api.send_file(chat, path, scrub(caption))
                except (TelegramFailed, OSError) as exc:
                    logger.warning("Fichier {} non envoyé sur Telegram : {}", path.name, scrub(str(exc)))
                    ok = False
        return ok

    # the notification sink (bot.output.notify.Sink) ------------------------------------------
    def accepts(self, title: str) -> bool:
        return True

    def deliver(self, title: str, body: str, files: list[Path]) -> bool:
        sent = bool(self._write(f"{title}\n\n{body}"))
        return self._send_files(files, title) and sent


class TelegramSink(_ChatWriter):
    """Notifications only (the scheduler, `telegram test`): nothing is read back."""

    @classmethod
    def from_settings(cls, settings) -> "TelegramSink":
        return cls(BotApi(settings.telegram_token, settings.telegram_api), settings.telegram_chats)


class TelegramChannel(_ChatWriter, UpdatesPoller, Channel):
    name = "telegram"
    knows_phone = True  # the code question names the number the SMS went to
    answer_way = "un message au bot Telegram (le code, ou le SMS transféré)"

    def __init__(
        self,
        mailbox: Mailbox,
        api: BotApi,
        chats: tuple[int, ...],
        account: str,
        *,
        ready_wait: float = 900,
        code_wait: float = 300,
        budget=None,
        poll: int = POLL_SECONDS,
        sms_chats: tuple[int, ...] = (),
    ):
        super().__init__(api, chats)
        self.sms_chats = tuple(sms_chats)  # where an SMS-forwarding app posts: codes read there, nothing written
        self.mailbox, self.account, self.budget, self.poll = mailbox, account, budget, poll
        self.ready_wait, self.code_wait = ready_wait, code_wait
        self.phase = ""
        self.waiting_for: str | None = None  # "ready" or "code" while a question is unanswered
        self.question: list[tuple[int, int, str]] = []  # the pending question's messages (chat, id, text)
        self.phone: str | None = None  # the masked number, when the portal's screen gave it
        self.offset: int | None = None
        self._skipped = False  # until Telegram has answered once, nothing is read: it could be stale
        self._echo = False  # the next notification repeats the question just asked
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._hub = None  # bot/handover/telegram_hub.py, when several accounts run in this process

    # lifecycle ---------------------------------------------------------------------------
    def start(self) -> "TelegramChannel":
        """From the start of the run: a forwarded SMS may arrive before the code question is asked.
        Whatever was sent to the bot before this moment belongs to no run: skipped."""
        from bot.handover import telegram_hub

        self._hub = telegram_hub.join(self)  # several accounts in this process: one poll for all
        if self._hub is not None:
            self.mailbox.channel_opened(self.name)
            return self
        try:
            self._skip_older()
        except TelegramFailed as exc:
            logger.warning("Telegram : {} ; nouvel essai en continu pendant la connexion.", scrub(str(exc)))
        self.mailbox.channel_opened(self.name)
        self._thread = threading.Thread(target=self._listen, name="telegram", daemon=True)
        self._thread.start()
        return self

    def open(self, phase: str, hint: str = "", picture=None) -> None:
        if phase == "question":  # a captcha: its screenshot comes with the notification; the answer here
            with self._lock:
                self._settle("")
                self.question = self._write(
                    f"Damancom ({self.account})\nLe portail pose une question avant "
                    "d'envoyer le SMS (image ci-dessous) : "
                    "répondez ici avec ce qu'elle demande (par exemple les caractères "
                    "de l'image)."
                )
                self.phase, self.waiting_for = phase, phase  # the notification that follows carries the picture
            return
        if phase not in ("ready", "code"):
            return  # other phases are told through the notifications
        with self._lock:
            if not self._skipped:  # Telegram was away at the start: older messages must not answer this
                try:
                    self._skip_older()
                except TelegramFailed:
                    pass
            first = phase != self.phase
            self.phone = telegram_text.masked_phone(hint) or self.phone
            if phase == "ready":
                self._ask_ready()
            else:
                self._ask_code(again=not first)
            self.phase, self.waiting_for = phase, phase
            self._echo = first and bool(self.question)  # not written (Telegram away): the notification tries again

    def phone_known(self, phone: str | None) -> None:
        """The code screen named the number: the pending code question says where the SMS went."""
        if not phone:
            return
        with self._lock:
            self.phone = phone
            if self.waiting_for != "code":
                return
            edited = []
            for chat, message_id, text in self.question:
                new = text.replace("au téléphone enregistré", f"au {phone}", 1)
                try:
                    self.api.edit_text(chat, message_id, new, [("Renvoyer le code", "resend")])
                except TelegramFailed as exc:
                    logger.debug("Question Telegram non modifiée : {}", scrub(str(exc)))
                    new = text
                edited.append((chat, message_id, new))
            self.question = edited

    def refused(self) -> None:
        with self._lock:
            self.waiting_for = "code"
            self.question = self._write(
                f"Damancom ({self.account})\nLe portail a refusé ce code. Vérifiez le SMS "
                "et envoyez le bon code (ou le SMS entier).",
                [("Renvoyer le code", "resend")],
            )

    def close(self) -> None:
        self._stop.set()
        if self._hub is not None:
            self._hub.leave(self)
        with self._lock:
            if self.waiting_for == "ready":
                self._settle("Sans réponse à temps : aucun SMS n'a été demandé.")
            elif self.waiting_for == "code":
                self._settle("Plus attendu : la connexion s'est arrêtée.")
            self.waiting_for = None

    def accepts(self, title: str) -> bool:
        with self._lock:
            echo, self._echo = self._echo, False
        return not echo

    # questions ---------------------------------------------------------------------------
    def _ask_ready(self) -> None:
        text = (
            f"Damancom ({self.account}) : le bot va se connecter au portail, qui enverra alors un code par SMS "
            f"au téléphone enregistré.\n\nPrêt à recevoir le SMS ?\n\nSans réponse avant "
            f"{clock.until(self.ready_wait)}, aucun SMS ne sera demandé. Répondez « stop » pour arrêter les "
            "essais de ce mois (vous déclarerez vous-même)."
        )
        if self.budget is not None:  # a question: never silenced by the monthly budget, counted apart
            self.budget.take(question=True)
        self._settle("")
        self.question = self._write(text, [("Je suis prêt", "ready"), ("Pas maintenant", "not_now")])

    def _ask_code(self, again: bool) -> None:
        where = f"au {self.phone}" if self.phone else "au téléphone enregistré"
        text = (
            f"Damancom ({self.account})\n{'Nouveau code' if again else 'Code'} envoyé {where} : répondez avec le "
            f"code (6 chiffres), ou transférez le SMS tel quel. À donner avant {clock.until(self.code_wait)}."
        )
        self._settle("")
        self.question = self._write(text, [("Renvoyer le code", "resend")])

    def _settle(self, note: str) -> None:
        """The pending question gets its buttons removed (and a note); an edit makes no new notification."""
        for chat, message_id, text in self.question:
            try:
                self.api.edit_text(chat, message_id, f"{text}\n\n— {note}" if note else text)
            except TelegramFailed as exc:
                logger.debug("Question Telegram non modifiée : {}", scrub(str(exc)))
        self.question = []

    # answers -----------------------------------------------------------------------------
    def _handle(self, update: dict) -> None:
        if "callback_query" in update:
            query = update["callback_query"]
            chat = ((query.get("message") or {}).get("chat") or {}).get("id")
            if chat not in self.chats:
                logger.info("Bouton Telegram d'une discussion non autorisée ({}) : ignoré.", chat)
                return
            self._button(chat, query)
        else:
            message = update.get("message") or update.get("channel_post")
            if message is None:
                return
            chat = (message.get("chat") or {}).get("id")
            if chat in self.chats:
                self._message(chat, message)
            elif chat in self.sms_chats:
                self._forwarded_sms(chat, message)
            else:
                logger.info("Message Telegram d'une discussion non autorisée ({}) : ignoré, texte non lu.", chat)

    def _button(self, chat: int, query: dict) -> None:
        data = query.get("data", "")
        pressed = (chat, (query.get("message") or {}).get("message_id"))
        with self._lock:  # a button of an older question (another run's) answers nothing
            waiting = self.waiting_for if pressed in {(c, m) for c, m, _ in self.question} else None
        if waiting == "ready" and data in ("ready", "not_now"):
            self.api.answer_callback(query["id"], "C'est noté.")
            self._word(chat, data)
        elif waiting == "code" and data == "resend":
            self.api.answer_callback(query["id"], "Demande de renvoi transmise.")
            self._word(chat, "resend")
        else:
            self.api.answer_callback(query["id"], "Cette question n'attend plus de réponse.")

    def _message(self, chat: int, message: dict) -> None:
        with self._lock:
            questioned = self.waiting_for == "question"
        if questioned and (message.get("text") or "").strip():
            return self._answer(chat, message["text"])
        reading = telegram_text.read(message.get("text") or message.get("caption") or "")
        if reading.kind in ("code", "several"):
            self._forget(chat, message["message_id"])  # it holds a code: not left in the chat
        if reading.kind == "code":
            self._code(chat, reading.value)
        elif reading.kind == "several":
            self._write(
                "Ce message contient plusieurs nombres à 6 chiffres : je ne sais pas lequel est le code. "
                "Envoyez seulement le code (par exemple 123456).",
                chats=[chat],
            )
        elif reading.kind == "word":
            self._word(chat, reading.value)
        else:
            with self._lock:
                waiting = self.waiting_for
            self._write(
                {
                    "code": "Je n'ai pas trouvé de code à 6 chiffres dans ce message. Envoyez le code reçu par "
                    "SMS (par exemple 123456) ou le SMS entier.",
                    "ready": "Répondez « prêt » quand vous avez votre téléphone, ou « pas maintenant ».",
                }.get(waiting, NOTHING_WAITING),
                chats=[chat],
            )

    def _forwarded_sms(self, chat: int, message: dict) -> None:
        """A post in the SMS channel: only a code counts; answers go to the person's chats."""
        reading = telegram_text.read(message.get("text") or message.get("caption") or "")
        if reading.kind in ("code", "several"):
            self._forget(chat, message["message_id"], tell=None)
        if reading.kind == "code":
            self._code(None, reading.value)
        elif reading.kind == "several":
            self._write("Le SMS transféré contient plusieurs nombres à 6 chiffres : envoyez ici seulement le code.")

    def _word(self, chat: int, word: str) -> None:
        with self._lock:
            waiting = self.waiting_for
            if word == "start":
                self._write(
                    f"damancom-bot est relié à cette discussion (compte {self.account}). "
                    + {
                        "ready": "Une connexion attend votre réponse : « prêt » ou « pas maintenant ».",
                        "code": "Une connexion attend le code reçu par SMS.",
                    }.get(waiting, NOTHING_WAITING),
                    chats=[chat],
                )
            elif waiting == "ready" and word in ("ready", "not_now", "stop"):
                self.waiting_for = None
                kind, note = {
                    "ready": (READY, "Prêt : le bot demande le code au portail."),
                    "not_now": (NOT_NOW, "Pas maintenant : aucun SMS demandé, le bot réessaiera au prochain créneau."),
                    "stop": (STOP, "Arrêt : plus d'essai pour cette période ; faites la déclaration vous-même."),
                }[word]
                self._settle(note)
                self.mailbox.post(kind, self.name)
                logger.info("Réponse Telegram à la question « prêt ? » : {}.", word)
            elif waiting == "code" and word == "resend":
                self.mailbox.post(RESEND, self.name)
            elif waiting == "code" and word in ("ready", "stop", "not_now"):
                self._write(
                    "Le SMS a déjà été demandé : envoyez le code reçu (sans code, la connexion s'arrêtera "
                    f"d'elle-même avant {clock.until(self.code_wait)}).",
                    chats=[chat],
                )
            else:
                self._write(NOTHING_WAITING, chats=[chat])

    def _answer(self, chat: int, text: str) -> None:
        try:
            self.mailbox.offer_answer(text, self.name)
        except BadInput as exc:
            self._write(exc.message, chats=[chat])
            return
        with self._lock:
            self._settle("Réponse reçue.")
            self.waiting_for = None
        self._write("Réponse transmise au portail.", chats=[chat])

    def _code(self, chat: int | None, raw: str) -> None:
        """`chat` None: the code came from the SMS channel; the person's chats are told."""
        try:
            self.mailbox.offer_code(raw, self.name)
        except InvalidCode as exc:
            self._write(exc.message, chats=[chat] if chat else None)
            return
        with self._lock:
            if self.waiting_for == "code":
                self._settle("Code reçu.")
                self.waiting_for = None
        logger.info("Code reçu par Telegram{}.", "" if chat else " (SMS transféré)")
        self._write(
            "Code reçu, connexion en cours…" if chat else "SMS transféré reçu, connexion en cours…",
            chats=[chat] if chat else None,
        )

    def _forget(self, chat: int, message_id: int, tell: int | None = -1) -> None:
        """Deletes the message holding a code; `tell`: the chat to warn when it cannot (-1: that chat)."""
        try:
            self.api.delete_message(chat, message_id)
        except TelegramFailed as exc:  # older than 48 h, or no right to delete
            logger.info("Message Telegram contenant le code non supprimé ({}).", scrub(str(exc)))
            if tell is not None:
                self._write(
                    "Je n'ai pas pu effacer votre message contenant le code : effacez-le vous-même.",
                    chats=[chat if tell == -1 else tell],
                )


def telegram_ready(settings) -> bool:
    return bool(settings.telegram_token and settings.telegram_chats)


__all__ = ["TelegramChannel", "TelegramSink", "telegram_ready"]
