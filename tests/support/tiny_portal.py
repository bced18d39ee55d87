"""A one-page portal served over real HTTP, for screens that misbehave in one precise way."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class TinyPortal(ThreadingHTTPServer):
    """Serves `html` at / (with HTTP `status`); `/api/hang` never answers (until the portal stops)."""

    daemon_threads = True

    def __init__(self, html: str, status: int = 200):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.html, self.status = html, status
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def __enter__(self) -> "TinyPortal":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: TinyPortal

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/api/hang"):
            self.server.stopping.wait()
            return
        data = self.server.html.encode("utf-8")
        self.send_response(self.server.status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
