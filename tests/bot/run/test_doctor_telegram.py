"""`doctor`'s Telegram check (also the dashboard's « Vérifier l'installation ») when the Bot API
answers an error that echoes the request path: the token never shows, in any form."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from bot.run import doctor_checks
from bot.settings.config import load_settings
from tests.support.telegram_api import TOKEN


class _Echo(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - what some proxies and Bot API servers answer for a bad path
        path = quote(self.path, safe="/") if self.server.encoded else self.path  # « : » as %3A
        body = json.dumps({"ok": False, "error_code": 404, "description": f"Not Found: POST {path}"}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(params=["literal", "encoded"])
def echoing_api(request):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.encoded = request.param == "encoded"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_error_echoing_the_path_does_not_show_the_token(echoing_api, tmp_path):
    settings = load_settings(
        {
            "DAMANCOM_TELEGRAM_TOKEN": TOKEN,
            "DAMANCOM_TELEGRAM_API": echoing_api,
            "DAMANCOM_TELEGRAM_CHAT": "5550001",
            "DAMANCOM_STATE_DIR": str(tmp_path),
        },
        need_credentials=False,
    )
    check = doctor_checks.telegram(settings)
    assert not check.ok and "Not Found" in check.detail
    assert TOKEN.split(":")[1] not in check.detail and "AAtestToken" not in check.detail
