"""A single-page portal written independently of the sandbox, from the public description only.

One HTML document; framework-free JavaScript re-renders each screen after `fetch()` calls to a
JSON API. No `<form>`, no `<label>`: inputs carry an `aria-label` and a caption `<div>`, buttons
are `<button type=button>` or `<div role=button tabindex=0>`. The URL never changes and a reload
goes back to the home screen (or to the affiliate area once logged in), as with many SPAs.

The path a person walks: cookie banner (« Accepter » / « Refuser ») → home with only « Mon compte »
→ choice « S'authentifier avec OTP » / « Identité Numérique (e-ID) » → « Identifiant de connexion »
and « Suivant » (disabled until filled; the SMS takes `sms_delay` seconds) → one code field
(`type=tel`, `autocomplete=one-time-code`) and the password, « Valider » → affiliate area.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path

from tests.support.portal_server import LocalPortal, PortalHandler

PASSWORD = "Spa#2026-mot2passe"
IDENTIFIER = "FOREIGN-1"
TRIES_PER_CODE = 3
STATIC = Path(__file__).with_name("foreign_spa_static")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

WRONG_TOO_OFTEN = "Nombre d'essais dépassé. Veuillez demander un nouveau code."
EXPIRED = "Votre code a expiré. Veuillez demander un nouveau code."


class ForeignSpaPortal(LocalPortal):
    """`with ForeignSpaPortal() as p: page.goto(p.url)`.

    `p.codes` every code sent, `p.code_sent` set at each send, `p.failures` wrong code/password
    tries, `p.logged_in` successful logins, `p.logged_out` logouts; `p.advance(s)` moves the
    portal's clock (the code is valid `code_validity` seconds).
    """

    home = "/fr/"

    def __init__(self, *, sms_delay: float = 1.0, code_validity: float = 300.0, periods: dict[str, str] | None = None):
        super().__init__(_Handler)
        self.sms_delay = sms_delay
        self.code_validity = code_validity
        self.periods = periods or {"10/2026": "Non déclarée", "09/2026": "Déclarée", "08/2026": "Déclarée"}
        self.codes: list[str] = []
        self.code_sent = threading.Event()
        self.failures = 0
        self.logged_in = 0
        self.logged_out = 0
        self.lock = threading.Lock()


class _Handler(PortalHandler):
    server: ForeignSpaPortal
    cookie, cookie_attributes = "CNSS_SID", "Path=/; HttpOnly; SameSite=Lax"

    # -- plumbing -------------------------------------------------------------------------
    def new_sid(self) -> str:
        return secrets.token_urlsafe(12)

    def _send(self, sid: str, status: int, body: bytes, content_type: str, location: str | None = None) -> None:
        self.send_body(status, body, content_type, sid=sid, location=location, no_store=True)

    def _json(self, sid: str, status: int, data: dict) -> None:
        self._send(sid, status, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    # -- routes ---------------------------------------------------------------------------
    def do_GET(self):  # noqa: N802
        sid, state = self._session()
        path = self.path.split("?")[0]
        if path == "/":
            return self._send(sid, 302, b"", "text/plain", location="/fr/")
        if path == "/fr/":
            return self._static(sid, "index.html")
        if path.startswith("/fr/ressources/"):
            return self._static(sid, path.removeprefix("/fr/ressources/"))
        if path == "/api/v1/session":
            return self._json(sid, 200, {"connecte": bool(state.get("connecte"))})
        if path == "/api/v1/modes":
            return self._json(
                sid,
                200,
                {
                    "modes": [
                        {
                            "code": "otp",
                            "libelle": "S'authentifier avec OTP",
                            "aide": "Un code à usage unique vous est envoyé par SMS.",
                        },
                        {
                            "code": "eid",
                            "libelle": "Identité Numérique (e-ID)",
                            "aide": "Validez la connexion depuis l'application Identité Numérique de la DGSN.",
                        },
                    ]
                },
            )
        if path == "/api/v1/espace":
            if not state.get("connecte"):
                return self._json(sid, 401, {"message": "Session expirée. Veuillez vous reconnecter."})
            return self._json(
                sid,
                200,
                {
                    "raisonSociale": "Pharmacie Al Amal",
                    "numeroAffiliation": "8123456",
                    "periodes": [{"periode": k, "etat": v} for k, v in self.server.periods.items()],
                },
            )
        return self._json(sid, 404, {"message": "Ressource introuvable."})

    def do_POST(self):  # noqa: N802
        sid, state = self._session()
        data = self._body()
        if self.path == "/api/v1/otp/demande":
            return self._ask_code(sid, state, str(data.get("identifiant", "")).strip())
        if self.path == "/api/v1/otp/verification":
            return self._verify(sid, state, str(data.get("code", "")).strip(), str(data.get("motDePasse", "")))
        if self.path == "/api/v1/deconnexion":
            if state.pop("connecte", None):
                self.server.logged_out += 1
            return self._json(sid, 200, {"etape": "accueil"})
        return self._json(sid, 404, {"message": "Ressource introuvable."})

    def _static(self, sid: str, name: str) -> None:
        file = STATIC / name
        if "/" in name or not file.is_file():
            return self._json(sid, 404, {"message": "Ressource introuvable."})
        self._send(sid, 200, file.read_bytes(), _TYPES.get(file.suffix, "application/octet-stream"))

    def _ask_code(self, sid: str, state: dict, identifier: str) -> None:
        time.sleep(self.server.sms_delay)  # the SMS gateway's latency, on the portal's side
        if identifier != IDENTIFIER:
            return self._json(sid, 404, {"message": "Identifiant inconnu ou compte inactif."})
        code = f"{secrets.randbelow(10**6):06d}"
        with self.server.lock:
            state.update(code=code, issued=self.server.now(), tries=0)
            self.server.codes.append(code)
        self.server.code_sent.set()
        return self._json(
            sid, 200, {"etape": "code", "telephone": "06 •• •• •• 47", "validite": int(self.server.code_validity)}
        )

    def _verify(self, sid: str, state: dict, code: str, password: str) -> None:
        with self.server.lock:
            if not state.get("code"):
                return self._json(sid, 409, {"etape": "identifiant", "message": EXPIRED})
            if self.server.now() - state["issued"] > self.server.code_validity:
                state.pop("code")
                return self._json(sid, 410, {"etape": "identifiant", "message": EXPIRED})
            if code == state["code"] and password == PASSWORD:
                state.clear()
                state["connecte"] = True
                self.server.logged_in += 1
                return self._json(sid, 200, {"etape": "espace"})
            self.server.failures += 1
            state["tries"] += 1
            if state["tries"] >= TRIES_PER_CODE:
                state.pop("code")
                return self._json(sid, 403, {"etape": "identifiant", "message": WRONG_TOO_OFTEN})
            return self._json(sid, 401, {"erreur": "identifiants", "essaisRestants": TRIES_PER_CODE - state["tries"]})
