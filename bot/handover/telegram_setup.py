"""`damancom-bot telegram setup` and `test`: check a token, find the person's chat, write `.env`."""

from __future__ import annotations

import time
from pathlib import Path

from bot.errors import ConfigError
from bot.handover.telegram_api import BotApi, TelegramFailed
from bot.settings import table

WELCOME = (
    "damancom-bot est relié à cette discussion. Avant chaque connexion sans surveillance, il vous "
    "demandera ici « Prêt à recevoir le SMS ? » ; répondez avec les boutons, puis envoyez le code reçu "
    "(ou transférez le SMS). Seule cette discussion est écoutée."
)


def explain(exc: TelegramFailed, chat: int | None = None) -> str:
    """A French sentence for what Telegram answered: what is wrong, what to do."""
    if exc.status == 401:
        return (
            "Telegram refuse ce jeton (DAMANCOM_TELEGRAM_TOKEN) : recopiez celui donné par @BotFather, "
            "ou relancez « damancom-bot telegram setup »."
        )
    if exc.status in (400, 403) and chat is not None:
        return (
            f"Telegram refuse d'écrire dans la discussion {chat} : envoyez /start au bot depuis votre "
            "téléphone (et ne le bloquez pas), puis relancez « damancom-bot telegram setup »."
        )
    if exc.status == 409:
        return (
            "Une autre connexion lit déjà les messages de ce bot (un seul programme à la fois par bot) : "
            "attendez qu'elle se termine."
        )
    return f"{exc}. Vérifiez la connexion Internet de cet ordinateur, ou DAMANCOM_TELEGRAM_API."


def check_token(api: BotApi) -> dict:
    try:
        return api.get_me()
    except TelegramFailed as exc:
        raise ConfigError(explain(exc)) from None


def find_chat(api: BotApi, wait: float, clock=time.monotonic, kind: str = "private") -> dict | None:
    """The private chat of the latest message sent to the bot (the person's /start), waiting up to
    `wait` seconds; its updates are then confirmed, so no run later mistakes /start for an answer.
    `kind="channel"`: the channel of the latest post the bot saw as its admin (the SMS channel)."""
    field = "channel_post" if kind == "channel" else "message"
    deadline, offset = clock() + wait, None
    while True:
        try:
            updates = api.get_updates(offset, timeout=int(max(0, min(10, deadline - clock()))))
        except TelegramFailed as exc:
            raise ConfigError(explain(exc)) from None
        chats = [u[field]["chat"] for u in updates if (u.get(field) or {}).get("chat", {}).get("type") == kind]
        if updates:
            offset = updates[-1]["update_id"] + 1
        if chats:
            api.get_updates(offset, timeout=0)
            return chats[-1]
        if clock() >= deadline:
            return None


def write_env(path: Path, token: str, chat: int, name: str = table.TELEGRAM_CHAT.name) -> None:
    """Adds `chat` to the variable `name` (keeping the chats already there) and sets the token."""
    from bot.settings import envfile

    known = (envfile.values(path, warn=False).get(name) or "") if path.is_file() else ""
    chats = [c for c in known.replace(",", " ").split() if c]
    if str(chat) not in chats:
        chats.append(str(chat))
    envfile.write_values(path, {table.TELEGRAM_TOKEN.name: token, name: " ".join(chats)})  # its encoding kept


def send_test(api: BotApi, chats: tuple[int, ...], account: str, text: str = "") -> None:
    for chat in chats:
        try:
            api.send_message(
                chat,
                text
                or f"Message de test de damancom-bot (compte {account or '?'}) : Telegram "
                "fonctionne. Les questions « Prêt à recevoir le SMS ? » arriveront ici.",
            )
        except TelegramFailed as exc:
            raise ConfigError(explain(exc, chat)) from None
