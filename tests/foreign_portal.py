"""A portal written independently of the sandbox: different HTML, URLs and labels.

Only the two labels known verbatim from the real portal are shared: « S'authentifier avec OTP »
and « Valider ». The bot must get through on its structural fallbacks.
"""

from __future__ import annotations

import secrets
import threading
from urllib.parse import parse_qs

from tests.support.portal_server import LocalPortal, PortalHandler

PASSWORD = "Xq7!foreign-Pa55"


def _page(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><div id='app'>{body}</div></body></html>"
    ).encode()


class ForeignPortal(LocalPortal):
    home = "/portail/index"

    def __init__(self, *, disabled_password: bool = False):
        super().__init__(_Handler)
        self.disabled_password = disabled_password
        self.codes: list[str] = []
        self.code_sent = threading.Event()


class _Handler(PortalHandler):
    server: ForeignPortal

    def _reply(self, sid: str, body: bytes = b"", location: str | None = None) -> None:
        self.send_body(302 if location else 200, body, sid=sid, location=location)

    def do_GET(self):  # noqa: N802
        sid, state = self._session()
        if self.path == "/portail/index":
            body = (
                "<section class='choix'><form method='post' action='/portail/otp/debut'>"
                "<button>S'authentifier avec OTP</button></form>"
                "<a href='/portail/eid'>Identité numérique (e-ID)</a></section>"
            )
            return self._reply(sid, _page("CNSS", body))
        if self.path == "/portail/otp/utilisateur":
            error = f"<p class='error'>{state.pop('error')}</p>" if "error" in state else ""
            body = (
                f"{error}<form method='post' action='/portail/otp/utilisateur'>"
                "<span>Utilisateur</span><input type='text' name='u'>"
                "<input type='submit' value='Recevoir le code'></form>"
            )
            return self._reply(sid, _page("Connexion", body))
        if self.path == "/portail/otp/verification":
            error = f"<p class='error'>{state.pop('error')}</p>" if "error" in state else ""
            disabled = " disabled" if self.server.disabled_password else ""
            body = (
                f"{error}<form method='post' action='/portail/otp/verification'>"
                "<div>OTP reçu</div><input type='text' name='otp' inputmode='numeric' maxlength='6'>"
                f"<div>Secret</div><input type='password' name='pwd'{disabled}>"
                "<button class='b'>Valider</button></form>"
            )
            return self._reply(sid, _page("Vérification", body))
        if self.path == "/portail/espace" and state.get("ok"):
            body = (
                "<div class='menu'><a href='#'>Déclaration des salaires</a> | <a href='#'>Télépaiement</a></div>"
                "<div class='t'>Espace affilié</div><div>Raison sociale : Pharmacie du Test</div>"
                "<div>Numéro d'affiliation : 7777777</div>"
                "<table><tr><th>Période</th><th>Statut</th></tr>"
                "<tr><td>10-2026</td><td>Non déclarée</td></tr><tr><td>09-2026</td><td>Déclarée</td></tr></table>"
            )
            return self._reply(sid, _page("Affilié", body))
        return self._reply(sid, location="/portail/index")

    def do_POST(self):  # noqa: N802
        sid, state = self._session()
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
