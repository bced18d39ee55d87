"""The dashboard's HTTP side, on 127.0.0.1 only: every path starts with the session's token
(anything else is 403 before a byte of the body is read), the Host header must be the loopback
address, and every POST carries the CSRF token. Buttons answer with a redirect (a reload never
repeats an action). Report files are served only from inside the recordings folder."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, unquote, urlsplit

from bot.app import actions, pages
from bot.app.dashboard import Dashboard
from bot.app.upload import MAX_UPLOAD, parse_form
from bot.errors import BotError
from bot.system import localweb

MAX_FORM = 8192
FILE_TYPES = {".pdf": "application/pdf", ".html": "text/html; charset=utf-8", ".png": "image/png",
              ".txt": "text/plain; charset=utf-8"}


class DashboardServer:
    def __init__(self, dashboard: Dashboard, port: int = 0):
        self.dashboard = dashboard
        self.httpd = localweb.QuietServer(("127.0.0.1", port), _Handler)
        self.httpd.dashboard = dashboard
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.dashboard.prefix}/"

    def start(self) -> "DashboardServer":
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="dashboard", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread = None
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _Handler(localweb.GuardedHandler):
    @property
    def app(self) -> Dashboard:
        return self.server.dashboard

    def _route(self) -> str | None:
        """The path after the token, or None when the request is not for this session."""
        path = urlsplit(self.path).path
        prefix = self.app.prefix
        if not self.host_ok() or not localweb.same(path[:len(prefix)], prefix):
            return None
        rest = path[len(prefix):]
        return rest if rest == "" or rest.startswith("/") else None

    def do_GET(self):  # noqa: N802
        route = self._route()
        if route is None:
            return self.refuse()
        if route in ("", "/"):
            query = parse_qs(urlsplit(self.path).query)
            note = self.app.notes.get((query.get("n") or [""])[0])
            return self.send(200, pages.page(self.app, note), headers=_CSP)
        if route == "/etat.json":
            parts = {name: pages.section(self.app, name) for name in pages.LIVE}
            body = {"sections": {name: {"sig": pages.signature(html), "html": html} for name, html in parts.items()}}
            return self.send(200, json.dumps(body, ensure_ascii=False), "application/json; charset=utf-8")
        if route == "/app.js":
            return self.send(200, pages.SCRIPT, "text/javascript; charset=utf-8")
        if route.startswith("/fichier/"):
            return self._file(unquote(route[len("/fichier/"):]))
        self.send(404, localweb.FORBIDDEN)

    def _file(self, relative: str) -> None:
        root = self.app.recordings.resolve()
        try:
            target = (root / relative).resolve()
        except (OSError, ValueError):
            return self.send(404, localweb.FORBIDDEN)
        kind = FILE_TYPES.get(target.suffix.lower())
        if kind is None or not target.is_relative_to(root) or not target.is_file():
            return self.send(404, localweb.FORBIDDEN)
        # A report is a document, not part of the dashboard: no script of it runs with the dashboard's rights.
        self.send(200, target.read_bytes(), kind, headers={"Content-Security-Policy": "sandbox",
                                                           "Content-Disposition": "inline"})

    def do_POST(self):  # noqa: N802
        route = self._route()
        if route is None or not route.startswith("/action/"):  # before reading a byte of the body
            return self.refuse()
        name = route[len("/action/"):]
        content_type = self.headers.get("Content-Type", "")
        upload = name == "fichier"
        body = self.read_body(MAX_UPLOAD if upload else MAX_FORM)
        if body is None:
            return
        if upload:
            form, files = parse_form(content_type, body)
        else:
            form, files = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}, {}
        if not localweb.same(form.get("_csrf", ""), self.app.csrf):
            return self.refuse()
        handler = actions.HANDLERS.get(name)
        if handler is None and not upload:
            return self.send(404, localweb.FORBIDDEN)
        with self.app.lock:
            try:
                text = actions.upload(self.app, form, files) if upload else handler(self.app, form)
                note = self.app.note("ok", text)
            except BotError as exc:
                note = self.app.note("erreur", exc.message)
        self.send(303, "", headers={"Location": f"{self.app.prefix}/?n={note}"})


_CSP = {"Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
                                   "frame-ancestors 'none'; form-action 'self'"}

