"""The server plumbing every stand-in portal of the tests shares: one threaded HTTP server on a
port the system picks on 127.0.0.1, started and stopped by `with`, a clock tests can move, and a
handler that knows sessions by cookie. Each portal keeps its own HTML, URLs and habits."""

from __future__ import annotations

import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalPortal(ThreadingHTTPServer):
    """`with Portal(...) as p: page.goto(p.url)`; `p.advance(s)` moves the portal's clock."""

    daemon_threads = True
    home = "/"  # the path `url` leads to

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        super().__init__(("127.0.0.1", 0), handler)
        self.sessions: dict[str, dict] = {}
        self._offset = 0.0
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{self.home}"

    def now(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()


class PortalHandler(BaseHTTPRequestHandler):
    """Sessions by the cookie `cookie`; only a new session sets it, as real servers do."""

    server: LocalPortal
    cookie = "sid"
    cookie_attributes = "Path=/"
    _new_sid: str | None = None

    def log_message(self, *args) -> None:
        pass

    def new_sid(self) -> str:
        return secrets.token_hex(8)

    def _session(self) -> tuple[str, dict]:
        self._new_sid = None
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == self.cookie and value in self.server.sessions:
                return value, self.server.sessions[value]
        sid = self._new_sid = self.new_sid()
        self.server.sessions[sid] = {}
        return sid, self.server.sessions[sid]

    def send_body(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        *,
        sid: str | None = None,
        location: str | None = None,
        no_store: bool = False,
    ) -> None:
        self.send_response(status)
        if sid is not None and sid == self._new_sid:
            self.send_header("Set-Cookie", f"{self.cookie}={sid}; {self.cookie_attributes}")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if no_store:
            self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)
