"""The dashboard's HTTP side (Starlette, served by uvicorn on 127.0.0.1 only): every path starts with
the session's token and the Host header must be the loopback address, both checked before a byte of
the body is read (`bot/system/localweb.py`); every POST carries the CSRF token — the file upload in
its URL, so that a forged multipart body is refused before it is parsed. Buttons answer with a
redirect (a reload never repeats an action). Report files are streamed, only from inside the
recordings folder."""

from __future__ import annotations

from urllib.parse import parse_qs

from bot.app import actions, pages
from bot.app.dashboard import Dashboard
from bot.app.upload import MAX_UPLOAD, read_upload
from bot.errors import BotError
from bot.system import localweb

MAX_FORM = 8192
FILE_TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


class DashboardServer:
    def __init__(self, dashboard: Dashboard, port: int = 0):
        self.dashboard = dashboard
        self.server = localweb.LocalServer(_app(dashboard), port, name="dashboard")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.dashboard.prefix}/"

    def start(self) -> "DashboardServer":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
        self.dashboard.set_trial(False)  # the trial's sandbox lives as long as the page

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _inside(app: Dashboard, path: str) -> bool:
    """The request is for this session: its path starts with the token (compared in constant time)."""
    prefix = app.prefix
    rest = path[len(prefix) :]
    return localweb.same(path[: len(prefix)], prefix) and (rest == "" or rest.startswith("/"))


def _app(app: Dashboard):
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse, RedirectResponse, Response
    from starlette.routing import Route

    async def home(request):
        note = app.notes.get(request.query_params.get("n", ""))
        html = await run_in_threadpool(pages.page, app, note, _view(request))
        return localweb.page_response(200, html, headers=_CSP)

    async def state(request):
        view = _view(request)
        parts = await run_in_threadpool(lambda: {name: pages.section(app, name, view) for name in pages.LIVE})
        body = {"sections": {name: {"sig": pages.signature(html), "html": html} for name, html in parts.items()}}
        return JSONResponse(body)

    async def script(request):
        return Response(pages.SCRIPT, media_type="text/javascript; charset=utf-8")

    async def report_file(request):
        return await run_in_threadpool(_file, app, request.path_params["relative"])

    async def sample(request):
        return await run_in_threadpool(
            _sample, app, request.path_params["what"], request.query_params.get("periode", "")
        )

    async def action(request):
        name = request.path_params["name"]
        if name == "fichier":  # the CSRF token rides in the URL: checked before the body is parsed
            if not localweb.same(request.query_params.get("_csrf", ""), app.csrf):
                return localweb.page_response(403, localweb.FORBIDDEN)
            fields, files = await read_upload(request)
        else:
            body = await request.body()
            fields, files = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}, {}
            if not localweb.same(fields.get("_csrf", ""), app.csrf):
                return localweb.page_response(403, localweb.FORBIDDEN)
        handler = actions.HANDLERS.get(name)
        if handler is None and name != "fichier":
            return localweb.page_response(404, localweb.NOT_FOUND)
        note = await run_in_threadpool(_act, app, name, handler, fields, files)
        return RedirectResponse(f"{app.prefix}/?n={note}", status_code=303)

    prefix = app.prefix
    routes = [
        Route(prefix, home, methods=["GET"]),
        Route(prefix + "/", home, methods=["GET"]),
        Route(prefix + "/etat.json", state, methods=["GET"]),
        Route(prefix + "/app.js", script, methods=["GET"]),
        Route(prefix + "/fichier/{relative:path}", report_file, methods=["GET"]),
        Route(prefix + "/essai/{what}", sample, methods=["GET"]),
        Route(prefix + "/action/{name}", action, methods=["POST"]),
    ]
    return localweb.guard(
        localweb.starlette_app(routes),
        allowed=lambda path: _inside(app, path),
        body_limit=lambda path: MAX_UPLOAD if path.endswith("/action/fichier") else MAX_FORM,
    )


def _view(request) -> dict:
    """The declarations' filters in the address: a state word `status --etat` knows (any other is
    ignored) and the beginning of an account's name (bounded)."""
    from bot.ledger.urgency import FAMILIES

    etat = request.query_params.get("etat", "")
    return {"etat": etat if etat in FAMILIES else "", "nom": request.query_params.get("nom", "")[:80]}


def _act(app: Dashboard, name: str, handler, fields: dict, files: dict) -> str:
    with app.lock:
        try:
            text = actions.upload(app, fields, files) if name == "fichier" else handler(app, fields)
            if isinstance(text, actions.GivenCode):
                return app.note("attente", text, text.refusals)
            return app.note("ok", text)
        except BotError as exc:
            return app.note("erreur", exc.message)


def _sample(app: Dashboard, what: str, period: str):
    """A « mode essai » sample file, as a download; only in that mode, for a period AAAA-MM."""
    from starlette.responses import Response

    from bot.errors import BotError

    if app.trial is None or what not in ("declaration", "preetabli", "salaries"):
        return localweb.page_response(404, localweb.NOT_FOUND)
    try:
        name, content = app.trial.sample(what, actions.period(period))
    except BotError:
        return localweb.page_response(400, localweb.BAD_REQUEST)
    return Response(
        content,
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _file(app: Dashboard, relative: str):
    """A report, streamed (never read whole): only a regular file of a known kind inside the folder.
    A name the system cannot even look up (too long, a stray byte) is « introuvable » too."""
    from starlette.responses import FileResponse

    root = app.recordings.resolve()
    try:
        target = (root / relative).resolve()
        kind = FILE_TYPES.get(target.suffix.lower())
        found = kind is not None and target.is_relative_to(root) and target.is_file()
    except (OSError, ValueError):
        found = False
    if not found:
        return localweb.page_response(404, localweb.NOT_FOUND)
    # A report is a document, not part of the dashboard: no script of it runs with the dashboard's rights.
    return FileResponse(
        target, media_type=kind, headers={"Content-Security-Policy": "sandbox", "Content-Disposition": "inline"}
    )


_CSP = {
    "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'"
}
