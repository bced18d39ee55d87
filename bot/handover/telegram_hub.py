"""One Telegram long poll for several accounts' runs in one process (`login --all`, `declare --all`).

Telegram hands each update to one reader only: several channels polling the same bot would steal
each other's answers. While `shared()` is active, channels subscribe here instead of polling; the
hub polls once and gives each update to the channel it is for: a button to the channel whose
question holds that message, a message to the channel(s) of that chat — if several accounts wait
in one chat, nothing is guessed: the person is asked to use `otp CODE --account NOM` or to give
each account its own `telegram_chat`.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from loguru import logger

from bot.handover.telegram_poll import UpdatesPoller

_lock = threading.Lock()
_sharing = 0
_hubs: dict[tuple[str, str], "Hub"] = {}


@contextmanager
def shared():
    global _sharing
    with _lock:
        _sharing += 1
    try:
        yield
    finally:
        with _lock:
            _sharing -= 1
            hubs = list(_hubs.values()) if _sharing == 0 else []
            if _sharing == 0:
                _hubs.clear()
        for hub in hubs:
            hub.stop()


def join(channel) -> "Hub | None":
    """The hub for the channel's bot, or None when channels poll on their own (a single run)."""
    with _lock:
        if not _sharing:
            return None
        key = (channel.api._token, channel.api.base)
        hub = _hubs.get(key)
        if hub is None:
            hub = _hubs[key] = Hub(channel.api, channel.poll)
        hub.subscribe(channel)
        return hub


class Hub(UpdatesPoller):
    def __init__(self, api, poll: int):
        self.api, self.poll = api, poll
        self.channels: list = []
        self.offset: int | None = None
        self._skipped = False
        self._stop = threading.Event()
        self._guard = threading.Lock()
        self._thread = threading.Thread(target=self._listen, name="telegram-comptes", daemon=True)
        self._thread.start()

    def subscribe(self, channel) -> None:
        with self._guard:
            self.channels.append(channel)

    def leave(self, channel) -> None:
        with self._guard:
            if channel in self.channels:
                self.channels.remove(channel)

    def stop(self) -> None:
        self._stop.set()

    def _handle(self, update: dict) -> None:
        with self._guard:
            channels = list(self.channels)
        if "callback_query" in update:
            message = update["callback_query"].get("message") or {}
            pressed = ((message.get("chat") or {}).get("id"), message.get("message_id"))
            owner = [c for c in channels if any((chat, mid) == pressed for chat, mid, _ in c.question)]
            mine = owner or [c for c in channels if pressed[0] in c.chats][:1]
            for channel in mine[:1]:
                channel._handle(update)
            return
        message = update.get("message") or update.get("channel_post") or {}
        chat = (message.get("chat") or {}).get("id")
        here = [c for c in channels if chat in c.chats or chat in c.sms_chats]
        waiting = [c for c in here if c.waiting_for] or here
        if len(waiting) == 1:
            waiting[0]._handle(update)
        elif len(waiting) > 1 and chat in waiting[0].chats:
            names = ", ".join(c.account for c in waiting)
            waiting[0]._write(
                f"Plusieurs comptes attendent dans cette discussion ({names}) : le message n'a été "
                "remis à aucun. Donnez le code avec « damancom-bot otp CODE --account NOM », ou "
                "indiquez une discussion par compte (telegram_chat dans le fichier des comptes).",
                chats=[chat],
            )
        elif not here:
            logger.info("Message Telegram d'une discussion sans connexion en cours ({}) : ignoré, texte non lu.", chat)
