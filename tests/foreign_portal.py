"""A portal written independently of the sandbox: different HTML, URLs and labels.

Only the two labels known verbatim from the real portal are shared: « S'authentifier avec OTP »
and « Valider ». The bot must get through on its structural fallbacks.
"""

from __future__ import annotations

import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

PASSWORD = "Xq7!foreign-Pa55"


def _page(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><div id='app'>{body}</div></body></html>").encode()


class ForeignPortal(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *, disabled_password: bool = False):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.disabled_password = disabled_password
        self.sessions: dict[str, dict] = {}
        self.codes: list[str] = []
        self.code_sent = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/portail/index"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: ForeignPortal

    def log_message(self, *args):
        pass

    def _sid(self) -> str:
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "sid" and value in self.server.sessions:
                return value
        sid = secrets.token_hex(8)
        self.server.sessions[sid] = {}
        return sid

    def _reply(self, sid: str, body: bytes = b"", location: str | None = None) -> None:
        self.send_response(302 if location else 200)
        self.send_header("Set-Cookie", f"sid={sid}; Path=/")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        sid = self._sid()
        state = self.server.sessions[sid]
        if self.path == "/portail/index":
            body = ("<section class='choix'><form method='post' action='/portail/otp/debut'>"
                    "<button>S'authentifier avec OTP</button></form>"
                    "<a href='/portail/eid'>Identité numérique (e-ID)</a></section>")
            return self._reply(sid, _page("CNSS", body))
        if self.path == "/portail/otp/utilisateur":
            error = f"<p class='error'>{state.pop('error')}</p>" if "error" in state else ""
            body = (f"{error}<form method='post' action='/portail/otp/utilisateur'>"
                    "<span>Utilisateur</span><input type='text' name='u'>"
                    "<input type='submit' value='Recevoir le code'></form>")
            return self._reply(sid, _page("Connexion", body))
        if self.path == "/portail/otp/verification":
            error = f"<p class='error'>{state.pop('error')}</p>" if "error" in state else ""
            disabled = " disabled" if self.server.disabled_password else ""
            body = (f"{error}<form method='post' action='/portail/otp/verification'>"
                    "<div>OTP reçu</div><input type='text' name='otp' inputmode='numeric' maxlength='6'>"
                    f"<div>Secret</div><input type='password' name='pwd'{disabled}>"
                    "<button class='b'>Valider</button></form>")
            return self._reply(sid, _page("Vérification", body))
        if self.path == "/portail/espace" and state.get("ok"):
            body = ("<div class='menu'><a href='#'>Déclaration des salaires</a> | <a href='#'>Télépaiement</a></div>"
                    "<div class='t'>Espace affilié</div><div>Raison sociale : Pharmacie du Test</div>"
                    "<div>Numéro d'affiliation : 7777777</div>"
                    "<table><tr><th>Période</th><th>Statut</th></tr>"
                    "<tr><td>10-2026</td><td>Non déclarée</td></tr><tr><td>09-2026</td><td>Déclarée</td></tr></table>")
            return self._reply(sid, _page("Affilié", body))
        return self._reply(sid, location="/portail/index")

    def do_POST(self):  # noqa: N802
        sid = self._sid()
        state = self.server.sessions[sid]
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path == "/portail/otp/debut":
            return self._reply(sid, location="/portail/otp/utilisateur")
        if self.path == "/portail/otp/utilisateur":
            if form.get("u") != "FOREIGN-1":
                state["error"] = "Utilisateur introuvable."
                return self._reply(sid, location="/portail/otp/utilisateur")
            state["code"] = f"{secrets.randbelow(10**6):06d}"
            self.server.codes.append(state["code"])
            self.server.code_sent.set()
            return self._reply(sid, location="/portail/otp/verification")
        if self.path == "/portail/otp/verification":
            if form.get("otp") == state.get("code") and form.get("pwd") == PASSWORD:
                state["ok"] = True
                return self._reply(sid, location="/portail/espace")
            state["error"] = "Code OTP erroné."
            return self._reply(sid, location="/portail/otp/verification")
        return self._reply(sid, location="/portail/index")
