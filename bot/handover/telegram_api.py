"""A small, blocking Telegram Bot API client (plain HTTP with urllib).

Why not a library: python-telegram-bot and aiogram are asyncio-only, and pyTelegramBotAPI takes its
server address from a module-wide global; the bot needs eight methods, a custom base URL (a local
stand-in in tests) and a thread that stops promptly. The token is part of every URL: it is
registered with `bot.output.redact` by the settings and never put in an exception text here.
"""

from __future__ import annotations

import json
import mimetypes
import secrets
import urllib.error
import urllib.request
from pathlib import Path

from bot.settings.config import DEFAULT_API


class TelegramFailed(Exception):
    """The API said no (`status` is its error code, e.g. 401 for a bad token) or was unreachable (0)."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class BotApi:
    def __init__(self, token: str, base: str = DEFAULT_API, timeout: float = 15.0):
        self._token, self.base, self.timeout = token, base.rstrip("/"), timeout

    def call(self, method: str, params: dict | None = None, *, files: dict[str, Path] | None = None, wait: float = 0.0):
        """The method's `result`; `wait` extends the HTTP timeout for long polling."""
        url = f"{self.base}/bot{self._token}/{method}"
        if files:
            body, content_type = _multipart(params or {}, files)
        else:
            body, content_type = json.dumps(params or {}).encode("utf-8"), "application/json"
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout + wait) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read().decode("utf-8"))
            except (ValueError, OSError):
                answer = {"ok": False, "error_code": exc.code, "description": exc.reason}
        except (OSError, ValueError) as exc:  # URLError, timeouts, resets, garbage: unreachable
            raise TelegramFailed(f"Telegram injoignable ({_short(exc)})") from None
        if not answer.get("ok"):
            status = int(answer.get("error_code") or 0)
            raise TelegramFailed(f"Telegram a refusé {method} ({status} : {answer.get('description', '')})", status)
        return answer.get("result")

    # the methods the bot uses ---------------------------------------------------------
    def get_me(self) -> dict:
        return self.call("getMe")

    def get_updates(self, offset: int | None, timeout: int = 0) -> list[dict]:
        params = {"timeout": timeout, "allowed_updates": ["message", "callback_query", "channel_post"]}
        if offset is not None:
            params["offset"] = offset
        return self.call("getUpdates", params, wait=timeout)

    def send_message(self, chat: int, text: str, buttons: list[tuple[str, str]] | None = None) -> dict:
        params: dict = {"chat_id": chat, "text": text}
        if buttons:
            params["reply_markup"] = keyboard(buttons)
        return self.call("sendMessage", params)

    def send_file(self, chat: int, path: Path, caption: str = "") -> dict:
        """A picture as a photo (shown in the chat), anything else as a document."""
        method, field = (
            ("sendPhoto", "photo") if path.suffix.lower() in (".png", ".jpg", ".jpeg") else ("sendDocument", "document")
        )
        return self.call(method, {"chat_id": chat, "caption": caption[:1024]}, files={field: path})

    def answer_callback(self, callback_id: str, text: str = "") -> None:
        self.call("answerCallbackQuery", {"callback_query_id": callback_id, "text": text})

    def delete_message(self, chat: int, message_id: int) -> None:
        self.call("deleteMessage", {"chat_id": chat, "message_id": message_id})

    def edit_text(self, chat: int, message_id: int, text: str, buttons: list[tuple[str, str]] | None = None) -> None:
        """Replaces a question's text, and its buttons (none by default); an edit makes no new notification."""
        self.call(
            "editMessageText",
            {
                "chat_id": chat,
                "message_id": message_id,
                "text": text,
                "reply_markup": keyboard(buttons) if buttons else {"inline_keyboard": []},
            },
        )


def keyboard(buttons: list[tuple[str, str]]) -> dict:
    """One row of inline buttons: (label, callback data)."""
    return {"inline_keyboard": [[{"text": label, "callback_data": data} for label, data in buttons]]}


def _multipart(params: dict, files: dict[str, Path]) -> tuple[bytes, str]:
    boundary = "damancom" + secrets.token_hex(12)
    parts = []
    for name, value in params.items():
        text = value if isinstance(value, str) else json.dumps(value)
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + text.encode("utf-8")
            + b"\r\n"
        )
    for name, path in files.items():
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{path.name}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        )
        parts.append(head.encode("utf-8") + Path(path).read_bytes() + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _short(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(reason).splitlines()[0][:120] if str(reason) else type(exc).__name__
