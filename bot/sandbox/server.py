"""The sandbox's HTTP server: real cookies, real forms, real redirects, on 127.0.0.1."""

from __future__ import annotations

import email.policy
import json
import os
import re
import secrets
import socket
import struct
import sys
import threading
from email.parser import BytesParser
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import segno

from bot.errors import ConfigError
from bot.sandbox import filing, pages, shaped, spa_api
from bot.sandbox.faults import Faults
from bot.sandbox.preetabli import make_preetabli
from bot.sandbox.shapes import Shape
from bot.sandbox.state import CodeCheck, Portal, Session

COOKIE = "DAMANCOM_SESSION"
STYLES = ("classic", "spa")  # server-rendered pages with forms, or one page app with a JSON API
SMS_DELAY = 1.5  # seconds the spa's « send the code » call takes, like an SMS gateway
TOAST_SECONDS = 6.0  # how long the spa shows a message


class Handler(BaseHTTPRequestHandler):
    server: "SandboxServer"
    protocol_version = "HTTP/1.1"

    def handle_one_request(self) -> None:
        # Connection-level faults act before any HTTP is read or written.
        faults = self.server.faults
        if faults.name == "hang":
            self.server.stopping.wait()
            self.close_connection = True
            return
        if faults.name == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        super().handle_one_request()

    def _fault_page(self) -> bool:
        """Whole-portal faults; True when a fault page was sent instead of the real one."""
        faults, path = self.server.faults, urlsplit(self.path).path
        if path.startswith("/_sandbox/"):
            return False
        api = self.server.style == "spa" and path.startswith(spa_api.API)
        if faults.refuses(self.headers.get("User-Agent", ""), api):
            self._send(HTTPStatus.FORBIDDEN, faults.firewall_page())
            return True
        if faults.name == "slow":
            self.server.stopping.wait(faults.slow_seconds)  # the server is slow, not the client
        if faults.name == "unavailable" or faults.busy_now(self.portal.clock()):
            if api:
                spa_api.fault_reply(self, spa_api.UNAVAILABLE)
            else:
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, pages.unavailable())
            return True
        if faults.name == "maintenance":
            if api:
                spa_api.fault_reply(self, spa_api.MAINTENANCE)
            else:
                self._send(200, pages.maintenance())
            return True
        return False

    # plumbing ---------------------------------------------------------------------
    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr access log
        pass

    @property
    def portal(self) -> Portal:
        return self.server.portal

    def _session(self, create: bool) -> tuple[Session | None, bool]:
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        session = self.portal.session(cookie[COOKIE].value if COOKIE in cookie else None)
        if session is None and create:
            return self.portal.new_session(), True
        return session, False

    def _send(
        self,
        status: int,
        body: str,
        *,
        content_type="text/html; charset=utf-8",
        session: Session | None = None,
        set_cookie=False,
        location: str | None = None,
    ) -> None:
        if content_type.startswith("text/html"):
            body = self.server.faults.drift(body)
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        if set_cookie and session is not None:
            self.send_header("Set-Cookie", f"{COOKIE}={session.id}; Path=/; HttpOnly; SameSite=Lax")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _redirect(self, location: str, session: Session | None = None, set_cookie=False) -> None:
        self._send(HTTPStatus.SEE_OTHER, "", session=session, set_cookie=set_cookie, location=location)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("multipart/form-data"):  # the declaration upload
            message = BytesParser(policy=email.policy.HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
            return {
                part.get_param("name", header="content-disposition"): part.get_payload(decode=True).decode("latin-1")
                for part in message.iter_parts()
            }
        raw = body.decode("utf-8", "replace")
        if kind.startswith("application/json"):  # the spa style's API
            try:
                data = json.loads(raw or "{}")
            except ValueError:
                return {}
            return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    # declarations -------------------------------------------------------------------
    def _period_of(self, session: Session | None, path: str) -> tuple[str, str] | None:
        match = re.fullmatch(r"/fr/declaration/(\d{4}-\d{2})(/[a-z.]+)?", path)
        if session is None or session.account is None or not match:
            return None
        if match[1] not in dict(self.portal.periods(session.account)):
            return None
        return match[1], match[2] or ""

    def _declaration_get(self, session: Session, path: str) -> None:
        found = self._period_of(session, path)
        if found is None:
            session.flash = "Veuillez vous authentifier pour accéder à votre espace."
            return self._redirect("/fr/", session)
        period, action = found
        account = session.account
        if action == "/preetabli":
            data = make_preetabli(account, period)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=ascii")
            self.send_header(
                "Content-Disposition",
                f'attachment; filename="PREETABLI_{account.affiliation}_{period[5:]}{period[:4]}.txt"',
            )
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data.encode("ascii"))
            return
        receipt = account.receipts.get(period)
        if action in ("/accuse", "/accuse.txt") and receipt is not None:
            if action == "/accuse.txt":
                return self._send(
                    200, filing.receipt_text(account, period, receipt), content_type="text/plain; charset=utf-8"
                )
            return self._send(200, pages.receipt_page(period, account, receipt), session=session)
        declared = dict(self.portal.periods(account))[period]
        self._send(200, pages.declaration(period, session.csrf, declared=declared), session=session)

    def _declaration_post(self, session: Session, path: str, form: dict[str, str]) -> None:
        found = self._period_of(session, path)
        if found is None:
            return self._forbidden()
        period, action = found
        account = session.account
        if dict(self.portal.periods(account))[period]:
            return self._redirect(f"/fr/declaration/{period}/accuse", session)
        if action == "/depot":
            errors = filing.upload(self.portal, session, period, form.get("fichier", ""))
            if errors:
                return self._send(200, pages.declaration(period, session.csrf, errors=errors), session=session)
            return self._send(200, pages.confirmation(period, session.csrf, session.pending), session=session)
        if action == "/valider" and filing.validate(self.portal, session, period):
            self.server.stopping.wait(self.server.faults.receipt_delay())
            return self._redirect(f"/fr/declaration/{period}/accuse", session)
        return self._redirect(f"/fr/declaration/{period}", session)

    def _csrf_ok(self, session: Session | None, form: dict[str, str]) -> bool:
        return session is not None and secrets.compare_digest(form.get("_csrf", ""), session.csrf)

    def _forbidden(self) -> None:
        self._send(
            HTTPStatus.FORBIDDEN,
            pages.message(
                "Accès refusé",
                "Votre session a expiré ou le formulaire n'est plus valide. Recommencez depuis l'accueil.",
            ),
        )

    # routes -----------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        if self._fault_page():
            return
        path = urlsplit(self.path).path
        session, created = self._session(create=True)
        if self.server.style == "spa" and spa_api.serves(path):
            return spa_api.Spa(self, session).get(path, created)
        if self.server.shape is not None and shaped.serves("GET", path):
            return shaped.Shaped(self, session, created).get(path)
        flash, session.flash = session.flash, None
        if path == "/fr/" and "eid=expire" in urlsplit(self.path).query:
            flash = "La demande e-ID a expiré. Recommencez."
        if path in ("/", "/fr"):
            return self._redirect("/fr/", session, created)
        if path == "/_sandbox/outbox":
            return self._json([s.as_dict() for s in self.portal.outbox.all()])
        if path == "/fr/":
            return self._send(200, pages.home(flash), session=session, set_cookie=created)
        if path == "/fr/authentification/otp":
            return self._send(200, pages.identifier(session.csrf, flash=flash), session=session, set_cookie=created)
        if path == "/fr/authentification/otp/code":
            if session.attempt is None:
                session.flash = "Saisissez d'abord votre identifiant."
                return self._redirect("/fr/authentification/otp", session, created)
            return self._send(200, self._code_page(session), session=session)
        if path == "/fr/authentification/eid":
            challenge = self.portal.start_eid(session)
            qr = segno.make(f"damancom-eid:{challenge.id}", error="m").svg_inline(scale=5)
            return self._send(200, pages.eid(challenge.id, qr), session=session, set_cookie=created)
        if path == "/fr/authentification/eid/etat":
            return self._json({"etat": self.portal.eid_state(session)}, session, created)
        if path == "/_sandbox/eid":
            identifier = parse_qs(urlsplit(self.path).query).get("identifiant", [next(iter(self.portal.accounts))])[0]
            return self._send(
                200,
                pages.eid_phone(self.portal.pending_eid(), session.csrf, identifier),
                session=session,
                set_cookie=created,
            )
        if path.startswith("/fr/declaration/"):
            return self._declaration_get(session, path)
        if path == "/fr/espace-groupe":
            return self._group_get(session, created, flash)
        if path == "/fr/espace-affilie":
            if session.account is None and session.group is not None:
                return self._redirect("/fr/espace-groupe", session)
            if session.account is None:
                session.flash = "Veuillez vous authentifier pour accéder à votre espace."
                return self._redirect("/fr/", session, created)
            return self._send(
                200,
                pages.interface(
                    session.account,
                    session.csrf,
                    self.portal.periods(session.account),
                    group=session.group is not None,
                ),
                session=session,
            )
        self._send(HTTPStatus.NOT_FOUND, pages.message("Page introuvable", "Cette page n'existe pas."))

    do_HEAD = do_GET

    def _group_get(self, session: Session, created: bool, flash: str | None) -> None:
        if session.group is None:
            session.flash = "Veuillez vous authentifier pour accéder à votre espace."
            return self._redirect("/fr/", session, created)
        session.account = None  # back in the group's space: no affiliate chosen
        affiliates = self.portal.affiliates_of(session.group)
        self._send(200, pages.group_space(session.group, affiliates, session.csrf, flash=flash), session=session)

    def _json(self, data, session: Session | None = None, set_cookie=False) -> None:
        self._send(
            200,
            json.dumps(data, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
            session=session,
            set_cookie=set_cookie,
        )

    def do_POST(self) -> None:  # noqa: N802
        form = self._form()
        if self._fault_page():
            return
        path = urlsplit(self.path).path
        session, _ = self._session(create=False)
        if path == "/_sandbox/eid/approve":  # test hook, like /_sandbox/outbox
            return self._json({"approuvees": self.portal.approve_eid(form.get("identifiant", ""))})
        if session is None and self.stale_cookie() and not path.startswith("/_sandbox/"):
            return spa_api.expired(self) if self.server.style == "spa" else self._expired(None)
        if self.server.style == "spa" and path.startswith(spa_api.API):
            return spa_api.Spa(self, session).post(path, form)
        if self.server.style == "spa" and not path.startswith("/_sandbox/"):  # no forms in this style
            return self._send(HTTPStatus.NOT_FOUND, pages.message("Page introuvable", "Cette page n'existe pas."))
        if not self._csrf_ok(session, form):
            return self._forbidden()
        if path.startswith("/fr/declaration/"):
            return self._declaration_post(session, path, form)
        if self.server.shape is not None and shaped.serves("POST", path):
            return shaped.Shaped(self, session).post(path, form)
        route = POST_ROUTES.get(path)
        if route is None:
            return self._send(HTTPStatus.NOT_FOUND, pages.message("Page introuvable", "Cette page n'existe pas."))
        return route(self, session, form)

    # POST routes (the table below) ------------------------------------------------------
    def _eid_approve_post(self, session: Session, form: dict[str, str]) -> None:
        count = self.portal.approve_eid(form.get("identifiant", ""), form.get("challenge"))
        text = "Connexion approuvée." if count else "Cette demande n'est plus en attente."
        self._send(200, pages.message("Identité Numérique", text), session=session)

    def _resend_post(self, session: Session, form: dict[str, str]) -> None:
        if session.attempt is None:
            return self._redirect("/fr/authentification/otp", session)
        sent = self.portal.resend(session)
        if sent is None:
            return self._send(200, self._code_page(session, "Nombre maximal de renvois atteint."), session=session)
        self._send(200, self._code_page(session, flash="Un nouveau code vous a été envoyé par SMS."), session=session)

    def _identifier_post(self, session: Session, form: dict[str, str]) -> None:
        sms = self.portal.start_login(session, form.get("identifiant", ""))
        if sms is None:
            return self._send(
                200,
                pages.identifier(session.csrf, error="Identifiant inconnu. Vérifiez votre saisie."),
                session=session,
            )
        self._redirect("/fr/authentification/otp/code", session)

    def _code_post(self, session: Session, form: dict[str, str]) -> None:
        if self.server.faults.name == "server-error":
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, pages.server_error())
        if self.server.faults.expire_session():
            return self._expired(session)
        self._check_code(session, form)

    def _logout_post(self, session: Session, form: dict[str, str]) -> None:
        self.portal.end_session(session)
        fresh = self.portal.new_session()
        fresh.flash = "Vous êtes déconnecté."
        self._redirect("/fr/", fresh, set_cookie=True)

    def _choose_post(self, session: Session, form: dict[str, str]) -> None:
        """« Choisir » in a group's space: the affiliate's own space follows."""
        if session.group is None:
            session.flash = "Veuillez vous authentifier pour accéder à votre espace."
            return self._redirect("/fr/", session)
        chosen = self.portal.choose(session, form.get("affiliation", ""))
        if chosen is None and self.portal.session(session.id) is None:
            return self._expired(session)
        if chosen is None:
            session.flash = "Cet affilié n'est pas rattaché à votre compte groupe."
            return self._redirect("/fr/espace-groupe", session)
        self._redirect("/fr/espace-affilie", session)

    def stale_cookie(self) -> bool:
        """A session cookie the portal no longer knows: the session expired (no cookie at all is no
        session, refused as a forged form)."""
        return COOKIE in SimpleCookie(self.headers.get("Cookie", ""))

    def _expired(self, session: Session | None) -> None:
        if session is not None:
            self.portal.end_session(session)
        fresh = self.portal.new_session()
        fresh.flash = "Votre session a expiré. Veuillez vous reconnecter."
        self._redirect("/fr/", fresh, set_cookie=True)

    def _code_page(self, session: Session, error: str | None = None, flash: str | None = None) -> str:
        minutes = max(1, round(self.portal.code_ttl / 60))
        return pages.code(session.csrf, session.attempt.account.masked_phone, minutes, error=error, flash=flash)

    def _check_code(self, session: Session, form: dict[str, str]) -> None:
        outcome, left = self.portal.check(session, form.get("code", ""), form.get("motdepasse", ""))
        if outcome is CodeCheck.OK:
            return self._redirect("/fr/espace-groupe" if session.group else "/fr/espace-affilie", session)
        restart = {
            CodeCheck.EXPIRED: "Le code a expiré. Saisissez à nouveau votre identifiant pour recevoir un nouveau code.",
            CodeCheck.TOO_MANY: "Trop de tentatives erronées : cette authentification est annulée. "
            "Saisissez à nouveau votre identifiant.",
            CodeCheck.NO_ATTEMPT: "Saisissez d'abord votre identifiant.",
        }
        if outcome in restart:
            return self._send(200, pages.identifier(session.csrf, error=restart[outcome]), session=session)
        error = "Code incorrect." if outcome is CodeCheck.WRONG_CODE else "Mot de passe incorrect."
        self._send(200, self._code_page(session, f"{error} Il vous reste {left} essai(s)."), session=session)


POST_ROUTES = {
    "/_sandbox/eid/approuver": Handler._eid_approve_post,
    "/fr/authentification/otp/renvoi": Handler._resend_post,
    "/fr/authentification/otp": Handler._identifier_post,
    "/fr/authentification/otp/code": Handler._code_post,
    "/fr/deconnexion": Handler._logout_post,
    "/fr/espace-groupe/choisir": Handler._choose_post,
}


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    # On Windows SO_REUSEADDR lets a second program take a port already listening: never there.
    allow_reuse_address = os.name != "nt"

    def handle_error(self, request, client_address) -> None:
        """A browser that hangs up mid-answer (a page left, a run stopped) is ordinary: no traceback
        in the sandbox's console. Anything else is a sandbox bug and keeps its traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def __init__(
        self,
        portal: Portal,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Faults | None = None,
        style: str = "classic",
        sms_delay: float = SMS_DELAY,
        toast_seconds: float = TOAST_SECONDS,
        shape: Shape | None = None,
    ):
        if shape is not None and shape.base:  # the two original styles are named shapes
            style, shape = shape.base, None
        if shape is not None and shape.headless == "refused" and faults is None:
            faults = Faults("refuse-headless")  # the fault's own switch (bot/sandbox/faults.py)
        if style not in STYLES:
            raise ConfigError(f"--style {style} : style de portail inconnu. Choix possibles : {', '.join(STYLES)}.")
        if not sms_delay >= 0:
            raise ConfigError(f"--sms-delay {sms_delay} : attendu un nombre de secondes positif ou nul.")
        if not toast_seconds > 0:
            raise ConfigError(
                f"Durée d'affichage des messages {toast_seconds} : attendu un nombre de secondes positif."
            )
        self.portal = portal
        self.faults = faults or Faults()
        self.style, self.sms_delay, self.toast_seconds = style, sms_delay, toast_seconds
        self.shape = shape  # None: the style's own screens; else the login drawn as the shape says
        self.stopping = threading.Event()  # releases hanging and slow requests at shutdown
        super().__init__((host, port), Handler)

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/fr/"


class Sandbox:
    """A sandbox portal served from a background thread: `with Sandbox() as sb: sb.url`."""

    def __init__(
        self,
        portal: Portal | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Faults | None = None,
        style: str = "classic",
        sms_delay: float = SMS_DELAY,
        toast_seconds: float = TOAST_SECONDS,
        shape: Shape | None = None,
    ):
        self.portal = portal or Portal()
        self.server = SandboxServer(
            self.portal, host, port, faults, style=style, sms_delay=sms_delay, toast_seconds=toast_seconds, shape=shape
        )
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="sandbox", daemon=True
        )

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def outbox(self):
        return self.portal.outbox

    def start(self) -> "Sandbox":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
