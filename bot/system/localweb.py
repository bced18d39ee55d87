"""What every page the bot serves on 127.0.0.1 shares: a quiet threaded server, the Host check (no
DNS rebinding), the URL token compared in constant time, bounded request bodies, and headers that
keep the page out of caches, frames and referrers. Used by the code page (`bot/handover/webpage.py`)
and the dashboard (`bot/app/`)."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from loguru import logger

FORBIDDEN = ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accès refusé</title></head>'
             "<body><h1>Accès refusé</h1><p>Utilisez le lien exact envoyé par le bot.</p></body></html>")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # On Windows SO_REUSEADDR lets a second program take a port already listening: never there.
    allow_reuse_address = os.name != "nt"

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up mid-request is ordinary: one quiet log line, no traceback on stderr."""
        kind = sys.exc_info()[0]
        logger.debug("Page locale : requête interrompue ({}).", kind.__name__ if kind else "?")


class GuardedHandler(BaseHTTPRequestHandler):
    """Base handler: `host_ok`, `send`, `read_body`; never logs a URL (it holds the token)."""

    server: ThreadingHTTPServer

    def log_message(self, *args):
        pass

    def host_ok(self) -> bool:
        return self.headers.get("Host", "") == f"127.0.0.1:{self.server.server_address[1]}"

    def send(self, status: int, body: str | bytes, content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def refuse(self, status: int = 403) -> None:
        self.close_connection = True
        self.send(status, FORBIDDEN)

    def read_body(self, limit: int) -> bytes | None:
        """The request body, or None after answering 400/413 (a missing, odd or too large length)."""
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not (raw.isascii() and raw.isdecimal()):
            self.refuse(HTTPStatus.BAD_REQUEST)
            return None
        if int(raw) > limit:
            self.refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return None
        return self.rfile.read(int(raw))


PICTURE_LIMIT = 2 * 1024 * 1024  # a captcha is a few kilobytes; a page must never embed a huge file


def png_data_url(picture) -> str:
    """A screenshot (the portal's question) as a `data:` URL, or "" when it cannot be read."""
    from pathlib import Path

    try:
        path = Path(picture)
        if path.stat().st_size > PICTURE_LIMIT:
            return ""
        return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    except (OSError, TypeError):
        return ""
