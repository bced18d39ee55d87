"""Notifications go out through apprise (here a json:// URL to a local server), scrubbed."""

from __future__ import annotations

import threading

import pytest

from bot.output import redact
from bot.output.notify import Notifier, parse_urls
from tests.support.inbox import Inbox


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
