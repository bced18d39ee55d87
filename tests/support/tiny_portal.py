"""A one-page portal served over real HTTP, for screens that misbehave in one precise way."""

from __future__ import annotations

import threading

from tests.support.portal_server import LocalPortal, PortalHandler


class TinyPortal(LocalPortal):
    """Serves `html` at /; `/api/hang` never answers (until the portal stops)."""

    def __init__(self, html: str):
        super().__init__(_Handler)
        self.html = html
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
        self.send_body(200, self.server.html.encode("utf-8"))
