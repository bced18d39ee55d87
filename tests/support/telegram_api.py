"""A stand-in for the Telegram Bot API, written from its public documentation, for tests.

Threaded HTTP on 127.0.0.1, one bot (one token). The bot's side: getMe, getUpdates (offset,
negative offset, long polling with `timeout`), sendMessage (inline keyboards), sendPhoto and
sendDocument (multipart), answerCallbackQuery, deleteMessage, editMessageText,
editMessageReplyMarkup. The test's side: `user_says` / `press` play the person's phone,
`sent()` and `wait_for_sent()` read everything the bot sent, files included.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "123456789:AAtestTokenForTheStandInServer_0123456"


@dataclass
class Sent:
    """What the bot put in a chat."""

    method: str
    chat_id: int
    message_id: int
    text: str = ""
    buttons: list[tuple[str, str]] = field(default_factory=list)
    file_name: str = ""
    file_bytes: bytes = b""
    deleted: bool = False
    edits: list[str] = field(default_factory=list)


class TelegramStandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, token: str = TOKEN, username: str = "damancom_test_bot"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.token, self.username = token, username
        self.cond = threading.Condition()
        self.updates: list[dict] = []  # not yet confirmed by an offset
        self.next_update = 1
        self.next_message = 100
        self.messages: list[Sent] = []  # everything the bot sent
        self.user_messages: dict[tuple[int, int], dict] = {}  # (chat, id) → the person's message
        self.deleted: list[tuple[int, int]] = []
        self.answered_callbacks: list[str] = []
        self.calls: list[str] = []
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "TelegramStandIn":
        self._thread = threading.Thread(target=self.serve_forever, name="telegram-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    # the person's phone ----------------------------------------------------------------
    def user_says(self, chat_id: int, text: str, first_name: str = "Salma") -> int:
        with self.cond:
            message_id = self._message_id()
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "text": text,
                "chat": {"id": chat_id, "type": "private", "first_name": first_name},
                "from": {"id": chat_id, "is_bot": False, "first_name": first_name},
            }
            self.user_messages[(chat_id, message_id)] = message
            self._update({"message": message})
            return message_id

    def channel_post(self, chat_id: int, text: str) -> int:
        """A post in a channel where the bot is an admin (an SMS-forwarding app's own bot posting there)."""
        with self.cond:
            message_id = self._message_id()
            post = {
                "message_id": message_id,
                "date": int(time.time()),
                "text": text,
                "chat": {"id": chat_id, "type": "channel", "title": "SMS CNSS"},
                "sender_chat": {"id": chat_id, "type": "channel", "title": "SMS CNSS"},
            }
            self.user_messages[(chat_id, message_id)] = post
            self._update({"channel_post": post})
            return message_id

    def press(self, chat_id: int, data: str, message_id: int | None = None) -> str:
        """Presses the button carrying `data` on the bot's latest message that has it."""
        with self.cond:
            if message_id is None:
                message_id = next(
                    m.message_id
                    for m in reversed(self.messages)
                    if m.chat_id == chat_id and any(d == data for _, d in m.buttons)
                )
            callback_id = f"cb{self.next_update}"
            self._update(
                {
                    "callback_query": {
                        "id": callback_id,
                        "data": data,
                        "from": {"id": chat_id, "is_bot": False, "first_name": "Salma"},
                        "message": {"message_id": message_id, "chat": {"id": chat_id, "type": "private"}},
                    }
                }
            )
            return callback_id

    def sent(self, chat_id: int | None = None) -> list[Sent]:
        with self.cond:
            return [m for m in self.messages if chat_id is None or m.chat_id == chat_id]

    def wait_for_sent(self, predicate, timeout: float = 60) -> Sent:
        """The first message the bot sent that satisfies `predicate`, waiting for it (no fixed sleep)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = next((m for m in self.messages if predicate(m)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    texts = [m.text[:60] for m in self.messages]
                    raise AssertionError(f"the bot did not send the expected message; it sent {texts}")
                self.cond.wait(left)

    def pending_updates(self) -> int:
        with self.cond:
            return len(self.updates)

    # internals ---------------------------------------------------------------------------
    def _message_id(self) -> int:
        self.next_message += 1
        return self.next_message

    def _update(self, body: dict) -> None:
        self.updates.append({"update_id": self.next_update, **body})
        self.next_update += 1
        self.cond.notify_all()

    def handle(self, method: str, params: dict, files: dict[str, tuple[str, bytes]]) -> tuple[int, dict]:
        with self.cond:
            self.calls.append(method)
        if method == "getUpdates":
            return self._get_updates(params)
        with self.cond:
            try:
                result = getattr(self, "_m_" + method)(params, files)
            except KeyError as exc:
                return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: missing {exc}"}
            except LookupError as exc:
                return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
            except AttributeError:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            self.cond.notify_all()
            return 200, {"ok": True, "result": result}

    def _get_updates(self, params: dict) -> tuple[int, dict]:
        offset, timeout = params.get("offset"), float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self.cond:
            if offset is not None and int(offset) < 0:  # the last -offset updates; older ones forgotten
                self.updates = self.updates[int(offset) :]
            elif offset is not None:
                self.updates = [u for u in self.updates if u["update_id"] >= int(offset)]
            while not self.updates and time.monotonic() < deadline:
                self.cond.wait(deadline - time.monotonic())
            return 200, {"ok": True, "result": list(self.updates)}

    def _m_getMe(self, params, files):  # noqa: N802
        return {
            "id": int(self.token.split(":")[0]),
            "is_bot": True,
            "first_name": "Damancom test",
            "username": self.username,
        }

    def _record(self, method: str, params: dict, **extra) -> dict:
        chat = int(params["chat_id"])
        markup = params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        buttons = [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]
        sent = Sent(
            method,
            chat,
            self._message_id(),
            text=params.get("text") or params.get("caption") or "",
            buttons=buttons,
            **extra,
        )
        self.messages.append(sent)
        return {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private"},
            "text": sent.text,
        }

    def _m_sendMessage(self, params, files):  # noqa: N802
        if not params["text"]:
            raise LookupError("message text is empty")
        return self._record("sendMessage", params)

    def _file(self, method: str, field_name: str, params, files):
        if field_name not in files:
            raise LookupError(f"there is no {field_name} in the request")
        name, data = files[field_name]
        return self._record(method, params, file_name=name, file_bytes=data)

    def _m_sendPhoto(self, params, files):  # noqa: N802
        return self._file("sendPhoto", "photo", params, files)

    def _m_sendDocument(self, params, files):  # noqa: N802
        return self._file("sendDocument", "document", params, files)

    def _m_answerCallbackQuery(self, params, files):  # noqa: N802
        self.answered_callbacks.append(params["callback_query_id"])
        return True

    def _find(self, params) -> Sent:
        chat, message_id = int(params["chat_id"]), int(params["message_id"])
        for message in self.messages:
            if (message.chat_id, message.message_id) == (chat, message_id):
                return message
        raise LookupError("message to edit not found")

    def _m_editMessageText(self, params, files):  # noqa: N802
        message = self._find(params)
        message.edits.append(params["text"])
        message.text = params["text"]
        message.buttons = [
            (b["text"], b["callback_data"])
            for row in (params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        return True

    def _m_editMessageReplyMarkup(self, params, files):  # noqa: N802
        message = self._find(params)
        message.buttons = [
            (b["text"], b["callback_data"])
            for row in (params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        return True

    def _m_deleteMessage(self, params, files):  # noqa: N802
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key in self.user_messages:
            self.user_messages.pop(key)
        else:
            self._find(params).deleted = True
        self.deleted.append(key)
        return True


class _Handler(BaseHTTPRequestHandler):
    server: TelegramStandIn

    def log_message(self, *args):  # the path holds the token
        pass

    def do_POST(self):  # noqa: N802
        prefix = f"/bot{self.server.token}/"
        if not self.path.startswith(prefix):
            return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = self.path[len(prefix) :]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        params, files = _parse(self.headers.get("Content-Type", ""), raw)
        self._reply(*self.server.handle(method, params, files))

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot ended during a long poll: nobody is listening any more


def _parse(content_type: str, raw: bytes) -> tuple[dict, dict[str, tuple[str, bytes]]]:
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        params, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename:
                files[name] = (filename, payload)
            else:
                params[name] = payload.decode("utf-8")
        return params, files
    return (json.loads(raw or b"{}"), {})


ME, STRANGER = 4242, 666  # the person's chat id, and somebody else's


@pytest.fixture
def telegram():
    """The stand-in Bot API server, for one test (registered in tests/conftest.py)."""
    server = TelegramStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def telegram_channel(telegram):
    """A factory of started Telegram channels on the stand-in server, the person's chat and the demo
    account by default: `telegram_channel(mailbox=None, api=None, **options)`; every channel it
    made is closed at the end of the test (closing twice is harmless)."""
    from bot.handover.mailbox import Mailbox
    from bot.handover.telegram import TelegramChannel
    from bot.handover.telegram_api import BotApi

    made = []

    def make(mailbox=None, api=None, **options):
        options = {"poll": 1, **options}
        channel = TelegramChannel(
            mailbox or Mailbox(), api or BotApi(TOKEN, telegram.url), (ME,), "PHARMA-DEMO", **options
        )
        made.append(channel.start())
        return channel

    yield make
    for channel in made:
        channel.close()
