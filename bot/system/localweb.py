"""What every page the bot serves on 127.0.0.1 shares: uvicorn in a thread (Starlette apps), the Host
check (no DNS rebinding), the URL token compared in constant time *before a byte of the body is
read*, bounded bodies, deadlines per connection, and headers that keep the page out of caches,
frames and referrers. Used by the code page (`bot/handover/webpage.py`) and the dashboard
(`bot/app/server.py`). Starlette and uvicorn are imported only when a page is served."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import secrets
import socket
import threading
from typing import Callable

from loguru import logger

FORBIDDEN = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accès refusé</title></head>'
    "<body><h1>Accès refusé</h1><p>Utilisez le lien exact envoyé par le bot.</p></body></html>"
)
NOT_FOUND = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Introuvable</title></head>'
    "<body><h1>Introuvable</h1><p>Cette page ou ce fichier n'existe pas (ou plus). Revenez au tableau "
    "de bord et suivez ses liens.</p></body></html>"
)
TOO_LARGE = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Envoi trop volumineux</title></head>'
    "<body><h1>Envoi trop volumineux</h1><p>Ce que le navigateur a envoyé dépasse ce que cette page "
    "accepte : rien n'a été pris en compte.</p></body></html>"
)
BAD_REQUEST = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Envoi illisible</title></head>'
    "<body><h1>Envoi illisible</h1><p>Le formulaire reçu est incomplet ou mal formé : rien n'a été pris "
    "en compte. Rechargez la page et recommencez.</p></body></html>"
)

HEADERS_SECONDS = 10  # from the connection to the end of the request's headers (a local browser takes ms)
BODY_SECONDS = 30  # to send the whole body (4 MB at most, on the same computer)
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 64  # beyond: 503 at once (a local page has one person)
_SAFE_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def bind(port: int = 0) -> socket.socket:
    """The listening socket on 127.0.0.1 (OSError when the port is taken). On Windows SO_REUSEADDR
    lets a second program take a port already listening: never set there."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    return sock


class Refused(Exception):
    """Raised inside a request: answered with `status` and `page` (if nothing was sent yet)."""

    def __init__(self, status: int, page: str):
        super().__init__(status)
        self.status, self.page = status, page


def guard(app, allowed: Callable[[str], bool], body_limit: Callable[[str], int]):
    """The ASGI app behind the checks every request passes before the app sees it: the Host header is
    exactly 127.0.0.1:<port>, `allowed(path)` (the token, compared in constant time), a body no larger
    than `body_limit(path)` and sent within BODY_SECONDS. Every answer carries the safe headers."""

    async def checked(scope, receive, send):
        if scope["type"] != "http":
            return
        headers = dict(scope["headers"])

        async def safe_send(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *(h for h in _SAFE_HEADERS if h[0] not in names)],
                }
            await send(message)

        port = scope["server"][1] if scope.get("server") else None
        if headers.get(b"host", b"") != f"127.0.0.1:{port}".encode() or not allowed(scope["path"]):
            return await _answer(safe_send, 403, FORBIDDEN)
        limit = body_limit(scope["path"])
        length = headers.get(b"content-length", b"0")
        if not (length.isdigit() and length.isascii()):
            return await _answer(safe_send, 400, BAD_REQUEST)
        if int(length) > limit:
            return await _answer(safe_send, 413, TOO_LARGE)
        deadline = asyncio.get_running_loop().time() + BODY_SECONDS
        received = 0
        whole = int(length) == 0 and b"transfer-encoding" not in headers  # no body to wait for

        async def bounded_receive():
            nonlocal received, whole
            if whole:  # the body is in: what is left to hear is a hang-up, whenever it comes (a long download)
                return await receive()
            left = deadline - asyncio.get_running_loop().time()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(left, 0.001))
            except asyncio.TimeoutError:
                raise Refused(408, BAD_REQUEST) from None
            received += len(message.get("body", b""))
            if received > limit:  # a chunked body announces no length
                raise Refused(413, TOO_LARGE)
            whole = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        started = False

        async def tracked_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await safe_send(message)

        try:
            await app(scope, bounded_receive, tracked_send)
        except Refused as refusal:
            if not started:
                await _answer(safe_send, refusal.status, refusal.page)
        except _client_gone():
            logger.debug("Page locale : le navigateur a raccroché en pleine requête.")

    return checked


def _client_gone():
    from starlette.requests import ClientDisconnect

    return (ClientDisconnect, ConnectionError)


async def _answer(send, status: int, page: str) -> None:
    """A refusal from the headers alone: the connection is closed (its body is never read)."""
    data = page.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(data)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


def starlette_app(routes):
    """A Starlette app whose own refusals (no such page, wrong method) are French pages too."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.requests import ClientDisconnect

    async def refused(request, exc: HTTPException):
        return page_response(exc.status_code, NOT_FOUND if exc.status_code == 404 else BAD_REQUEST)

    async def ours(request, exc: Refused):
        return page_response(exc.status, exc.page, headers={"Connection": "close"})

    async def gone(request, exc):  # nobody reads this answer: the browser hung up
        logger.debug("Page locale : le navigateur a raccroché en pleine requête.")
        return page_response(400, BAD_REQUEST)

    return Starlette(routes=routes, exception_handlers={HTTPException: refused, Refused: ours, ClientDisconnect: gone})


def page_response(status: int, html: str, headers: dict[str, str] | None = None):
    from starlette.responses import HTMLResponse

    return HTMLResponse(html, status_code=status, headers=headers)


class LocalServer:
    """An ASGI app served by uvicorn in a thread, on a socket bound at once (the port is known, and
    a port in use is an OSError here). uvicorn installs no signal handler outside the main thread:
    Ctrl-C stays the bot's."""

    def __init__(self, app, port: int = 0, name: str = "local-page"):
        self.app, self.name = app, name
        self.ready = threading.Event()  # set once uvicorn has loaded everything: the first answer is not slow
        self.sock = bind(port)
        self.server_address = self.sock.getsockname()[:2]
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self) -> "LocalServer":
        import uvicorn

        _quiet_uvicorn_logs()
        config = uvicorn.Config(
            self._with_lifespan,
            http=_protocol_class(),
            loop="asyncio",
            lifespan="on",
            ws="none",
            interface="asgi3",
            log_config=None,
            access_log=False,
            server_header=False,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            timeout_graceful_shutdown=2,
            limit_concurrency=MAX_CONNECTIONS,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self.sock]}, name=self.name, daemon=True
        )
        self._thread.start()
        self._wait_ready()
        return self

    def _wait_ready(self, seconds: float = 60) -> None:
        """Until uvicorn is up (Ctrl-C still reaches the bot); a thread that died is no reason to wait."""
        from bot.system.waiting import slices

        for step in slices(seconds):
            if self.ready.wait(step) or not self._thread.is_alive():
                return
        logger.debug("Page locale : le serveur met du temps à démarrer.")

    async def _with_lifespan(self, scope, receive, send):
        if scope["type"] != "lifespan":
            return await self.app(scope, receive, send)
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.ready.set()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    def stop(self) -> None:
        if self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
            if self._thread.is_alive():  # a request still running past the graceful delay
                self._server.force_exit = True
                self._thread.join(timeout=5)
            self._thread = None
        self.sock.close()


def _protocol_class():
    """uvicorn's h11 protocol with a deadline for each request's headers: a connection that opens and
    sends nothing (or a byte a minute) is closed, not kept for ever (uvicorn bounds only the idle time
    between two requests)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class DeadlineProtocol(H11Protocol):
        _deadline = None
        _armed_for = None  # the request cycle in place when the deadline was set

        def _arm(self):
            if self._deadline is not None:
                self._deadline.cancel()
            self._armed_for = self.cycle
            self._deadline = self.loop.call_later(HEADERS_SECONDS, self._too_slow)

        def connection_made(self, transport):
            super().connection_made(transport)
            self._arm()

        def handle_events(self):
            super().handle_events()
            if self._deadline is not None and self.cycle is not self._armed_for:  # a request's headers arrived
                self._deadline.cancel()
                self._deadline = None

        def on_response_complete(self):
            self._arm()  # before the next pipelined request is read
            super().on_response_complete()

        def connection_lost(self, exc):
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            super().connection_lost(exc)

        def _too_slow(self):
            self._deadline = None
            if self.cycle is self._armed_for and not self.transport.is_closing():
                logger.debug("Page locale : connexion fermée (requête jamais terminée).")
                self.transport.close()

    return DeadlineProtocol


class _ToLoguru(logging.Handler):
    def emit(self, record):
        logger.opt(exception=record.exc_info).debug("Page locale : {}", record.getMessage())


def _quiet_uvicorn_logs() -> None:
    """uvicorn's standard-library log lines go to the bot's log at debug level, never to the console."""
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        log = logging.getLogger(name)
        log.handlers = [_ToLoguru()]
        log.propagate = False


PICTURE_LIMIT = 2 * 1024 * 1024  # a captcha is a few kilobytes; a page must never embed a huge file


def png_data_url(picture) -> str:
    """A screenshot (the portal's question) as a `data:` URL, or "" when it cannot be read."""
    from pathlib import Path

    try:
        path = Path(picture)
        if not path.is_file():  # a device or a pipe is no screenshot (and reading one may never end)
            return ""
        with open(path, "rb") as handle:
            data = handle.read(PICTURE_LIMIT + 1)
        if len(data) > PICTURE_LIMIT:
            return ""
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    except (OSError, TypeError):
        return ""
