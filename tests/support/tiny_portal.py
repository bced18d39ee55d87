"""A one-page portal served over real HTTP, for screens that misbehave in one precise way."""

from __future__ import annotations

import threading

from tests.support.portal_server import LocalPortal, PortalHandler


class TinyPortal(LocalPortal):
    """Serves `html` at / (with HTTP `status`); `/api/hang` never answers (until the portal stops)."""

    def __init__(self, html: str, status: int = 200):
        super().__init__(_Handler)
        self.html, self.status = html, status
        self.stopping = threading.Event()

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        super().__exit__(*exc)


class _Handler(PortalHandler):
    server: TinyPortal

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/api/hang"):
            self.server.stopping.wait()
            return
        self.send_body(self.server.status, self.server.html.encode("utf-8"))
