"""Notifications go out through apprise (here a json:// URL to a local server), scrubbed."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot import redact
from bot.notify import Notifier, parse_urls


class Inbox(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Hook)
        self.received: list[dict] = []

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server_address[1]}/notify"


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        self.server.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def inbox():
    server = Inbox()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_parse_urls():
    assert parse_urls(" json://a/b, ntfy://topic  mailto://x ") == ["json://a/b", "ntfy://topic", "mailto://x"]


def test_sends_scrubbed_title_body_and_attachment(inbox, tmp_path):
    redact.register("Notify-Secret-77")
    image = tmp_path / "qr.png"
    image.write_bytes(b"\x89PNG-test")
    assert Notifier([inbox.url]).send("Titre", "mot de passe Notify-Secret-77", attach=image)
    message = inbox.received[0]
    assert message["title"] == "Titre" and "Notify-Secret-77" not in message["message"]
    assert message["attachments"][0]["filename"] == "qr.png"


def test_unreachable_notifier_is_not_fatal():
    assert Notifier(["json://127.0.0.1:9/nowhere"]).send("Titre", "corps") is False
