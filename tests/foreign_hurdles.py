"""A server-rendered portal with hurdles, written independently of the sandbox and of the bot.

Classic `<form>`s, a new document per step, no JavaScript. Each hurdle is one constructor flag,
so a test can turn them on one at a time:

- `profile_step`: a « Vous êtes : » profile choice (Employeur / Mandataire) before the identifier;
- `captcha`: « Recopiez les caractères de l'image » (SVG `<img>`), checked by the server;
  `p.captcha_answer` is the answer of the captcha shown last;
- `modal`: an announcement `<dialog open>` covering the home page, closed by « Fermer »;
- `split_code`: the code in six inputs `d1`..`d6` (`maxlength=1`), joined by the server;
- `forbidden`: every request answers 403 « Accès refusé »; `reset`: the connection is reset;
- `slow_code_screen`: seconds the code screen takes to answer; the SMS leaves before.
- `hold_code_screen`: an Event the code screen waits for (at most 60 s) before answering.

The flags are plain attributes: a test may flip them while the portal runs.
"""

from __future__ import annotations

import html
import secrets
import socket
import struct
import threading
import time
from urllib.parse import parse_qs

from tests.support.portal_server import LocalPortal, PortalHandler

PASSWORD = "Haies/2026-Secret"
IDENTIFIER = "FOREIGN-1"
TRIES_PER_CODE = 3
CAPTCHA_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ23456789"  # no 0/O, 1/I/Q look-alikes

BAD_CODE = "Le code saisi n'est pas valide."
BAD_PASSWORD = "Mot de passe incorrect."
TOO_MANY = "Nombre maximal d'essais atteint. Un nouveau code doit être demandé."
EXPIRED = "Le code a expiré. Un nouveau code doit être demandé."
BAD_CAPTCHA = "Les caractères saisis ne correspondent pas à l'image. Veuillez réessayer."
UNKNOWN_USER = "Aucun compte ne correspond à cet identifiant."


class ForeignHurdlesPortal(LocalPortal):
    """`with ForeignHurdlesPortal(captcha=True) as p: page.goto(p.url)`.

    `p.codes`, `p.code_sent`, `p.failures` (wrong code or password), `p.logged_in` (count),
    `p.profiles` (profiles chosen), `p.journal` (ordered events: "sms", "code-screen"),
    `p.timeline` (the same with monotonic times), `p.requests` (requests received, including
    refused ones), `p.captcha_answer`, `p.advance(s)` moves the clock.
    """

    home = "/portail/accueil.do"

    def __init__(
        self,
        *,
        profile_step: bool = False,
        captcha: bool = False,
        modal: bool = False,
        split_code: bool = False,
        forbidden: bool = False,
        reset: bool = False,
        slow_code_screen: float = 0.0,
        hold_code_screen: threading.Event | None = None,
        code_validity: float = 300.0,
    ):
        super().__init__(_Handler)
        self.profile_step, self.captcha, self.modal, self.split_code = profile_step, captcha, modal, split_code
        self.forbidden, self.reset, self.slow_code_screen = forbidden, reset, slow_code_screen
        self.code_validity, self.hold_code_screen = code_validity, hold_code_screen
        self.codes: list[str] = []
        self.code_sent = threading.Event()
        self.captcha_answer: str | None = None
        self.failures = 0
        self.logged_in = 0
        self.profiles: list[str] = []
        self.journal: list[str] = []
        self.timeline: list[tuple[str, float]] = []
        self.requests = 0
        self.lock = threading.Lock()

    def note(self, event: str) -> None:
        """Callers hold `lock`."""
        self.journal.append(event)
        self.timeline.append((event, time.monotonic()))


# -- HTML -------------------------------------------------------------------------------------

_STYLE = """
body{margin:0;font-family:Tahoma,Verdana,sans-serif;background:#eef1f4;color:#222}
.bandeau{background:#0b6e4f;color:#fff;padding:14px 30px;font-size:20px}
.bandeau small{display:block;font-size:12px}
.corps{max-width:760px;margin:28px auto;background:#fff;padding:26px;border:1px solid #cfd8dc}
.bouton,input[type=submit]{background:#0b6e4f;color:#fff;border:0;padding:10px 20px;font-size:15px;
 text-decoration:none;display:inline-block;cursor:pointer}
.lien-sec{margin-left:16px;color:#0b6e4f}
.champ{margin:12px 0}.champ label{display:block;font-weight:bold;margin-bottom:4px}
.chiffres input{width:2.2em;text-align:center;font-size:20px;margin-right:4px}
.msg{padding:10px;margin-bottom:14px}.msg--ko{background:#fde2e1;color:#9b1c1c}
.msg--info{background:#e3f2fd}
dialog.annonce{position:fixed;inset:0;width:100%;height:100%;max-width:none;max-height:none;margin:0;
 border:0;padding:0;background:rgba(0,0,0,.55)}
dialog.annonce .boite{background:#fff;max-width:480px;margin:120px auto;padding:24px}
table{border-collapse:collapse}td,th{border:1px solid #cfd8dc;padding:6px 12px}
"""


def _page(title: str, body: str) -> bytes:
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>{title} – Damancom</title><style>{_STYLE}</style></head><body>"
        "<div class='bandeau'>Damancom<small>Caisse Nationale de Sécurité Sociale</small></div>"
        f"<div class='corps'>{body}</div></body></html>"
    ).encode()


def _message(kind: str, text: str | None) -> str:
    return f"<div class='msg msg--{kind}'>{html.escape(text)}</div>" if text else ""


def _captcha_svg(text: str) -> bytes:
    letters = "".join(
        f"<text x='{14 + i * 26}' y='{34 + (i % 2) * 6}' transform='rotate({(-12, 9, -6, 14, -9)[i % 5]} "
        f"{14 + i * 26} 34)' font-size='28' font-family='monospace' fill='#1a3d6d'>{ch}</text>"
        for i, ch in enumerate(text)
    )
    return (
        "<svg xmlns='http://www.w3.org/2000/svg' width='150' height='50'>"
        "<rect width='150' height='50' fill='#f1f1e6'/>"
        "<line x1='0' y1='12' x2='150' y2='40' stroke='#999'/><line x1='0' y1='44' x2='150' y2='8' stroke='#bbb'/>"
        f"{letters}</svg>"
    ).encode()


def _forbidden_page() -> bytes:
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Accès refusé</title></head>"
        "<body><h1>Accès refusé</h1><p>Vous n'êtes pas autorisé à accéder à ce service depuis votre "
        "emplacement.</p><p>Référence de l'incident : 18.2f9c0e17.1764259200</p></body></html>"
    ).encode()


class _Handler(PortalHandler):
    server: ForeignHurdlesPortal
    cookie, cookie_attributes = "JSESSIONID", "Path=/portail; HttpOnly"

    # -- plumbing -------------------------------------------------------------------------
    def new_sid(self) -> str:
        return secrets.token_hex(16).upper()

    def _reply(
        self,
        sid: str,
        body: bytes = b"",
        *,
        location: str | None = None,
        status: int | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        self.send_body(
            status or (303 if location else 200), body, content_type, sid=sid, location=location, no_store=True
        )

    def _refused(self) -> bool:
        """The blocking hurdles, checked before anything else."""
        with self.server.lock:
            self.server.requests += 1
        if self.server.reset:
            # SO_LINGER 0: close() sends a TCP RST, the browser sees "connection reset".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return True
        if self.server.forbidden:
            self.send_body(403, _forbidden_page())
            return True
        return False

    def _not_found(self) -> None:
        self.send_body(
            404, _page("Page introuvable", "<h1>Page introuvable</h1><p><a href='/portail/accueil.do'>Accueil</a></p>")
        )

    def finish(self):
        try:
            super().finish()
        except OSError:  # the socket was reset on purpose
            pass

    # -- GET ------------------------------------------------------------------------------
    def do_GET(self):  # noqa: N802
        if self._refused():
            return
        path = self.path.split("?")[0]
        if not path.startswith("/portail/"):  # e.g. the browser's /favicon.ico: no session there
            return self._not_found()
        sid, state = self._session()
        pages = {
            "/portail/accueil.do": self._home,
            "/portail/authentification/profil.do": self._profile,
            "/portail/authentification/identification.do": self._identification,
            "/portail/authentification/code.do": self._code_screen,
            "/portail/authentification/eid.do": self._eid,
            "/portail/affilie/tableauDeBord.do": self._dashboard,
        }
        if path == "/portail/captcha.do":
            return self._reply(sid, _captcha_svg(state.get("captcha", "")), content_type="image/svg+xml")
        if path == "/portail/authentification/otp.do":
            target = "profil.do" if self.server.profile_step else "identification.do"
            return self._reply(sid, location=f"/portail/authentification/{target}")
        if path == "/portail/authentification/deconnexion.do":
            state.clear()
            return self._reply(sid, location="/portail/accueil.do")
        page = pages.get(path)
        if page is None:
            return self._reply(sid, location="/portail/accueil.do")
        return page(sid, state)

    def _home(self, sid: str, state: dict) -> None:
        modal = (
            "<dialog open class='annonce'><div class='boite'><h2>Avis important</h2>"
            "<p>Depuis juillet 2025, l'accès au portail se fait par code SMS (OTP) ou par l'Identité "
            "Numérique. Une maintenance est prévue dimanche de 2 h à 6 h.</p>"
            "<form method='dialog'><button class='bouton'>Fermer</button></form></div></dialog>"
            if self.server.modal
            else ""
        )
        body = (
            f"{modal}<h1>Bienvenue sur Damancom</h1>"
            "<p>Le portail des employeurs affiliés à la CNSS : déclarations, paiements, attestations.</p>"
            "<h2>Connexion</h2><p>"
            "<a class='bouton' href='/portail/authentification/otp.do'>S'authentifier avec OTP</a>"
            "<a class='lien-sec' href='/portail/authentification/eid.do'>Se connecter avec l'Identité "
            "Numérique (e-ID)</a></p>"
        )
        return self._reply(sid, _page("Accueil", body))

    def _eid(self, sid: str, state: dict) -> None:
        body = (
            "<h1>Identité Numérique</h1><p>Validez la demande de connexion dans l'application "
            "« Identité Numérique » de votre téléphone.</p><p><a href='/portail/accueil.do'>Retour</a></p>"
        )
        return self._reply(sid, _page("Identité Numérique", body))

    def _profile(self, sid: str, state: dict) -> None:
        body = (
            f"{_message('ko', state.pop('error', None))}<h1>Authentification par OTP</h1>"
            "<form method='post' action='/portail/authentification/profil.do'>"
            "<fieldset><legend>Vous êtes :</legend>"
            "<p><input type='radio' id='p-emp' name='profil' value='EMPLOYEUR'>"
            "<label for='p-emp'>Employeur</label></p>"
            "<p><input type='radio' id='p-mand' name='profil' value='MANDATAIRE'>"
            "<label for='p-mand'>Mandataire (compte groupe)</label></p></fieldset>"
            "<input type='submit' value='Continuer'></form>"
        )
        return self._reply(sid, _page("Profil", body))

    def _identification(self, sid: str, state: dict) -> None:
        if self.server.profile_step and "profile" not in state:
            return self._reply(sid, location="/portail/authentification/profil.do")
        captcha = ""
        if self.server.captcha:
            answer = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(5))
            state["captcha"] = self.server.captcha_answer = answer
            captcha = (
                "<div class='champ'><label for='captcha'>Recopiez les caractères de l'image</label>"
                f"<img src='/portail/captcha.do?t={secrets.token_hex(4)}' alt='Image de vérification' "
                "width='150' height='50'><br><input type='text' id='captcha' name='captcha' "
                "autocomplete='off' size='8'></div>"
            )
        body = (
            f"{_message('ko', state.pop('error', None))}{_message('info', state.pop('info', None))}"
            "<h1>Authentification par OTP</h1>"
            "<form method='post' action='/portail/authentification/identification.do'>"
            "<div class='champ'><label for='identifiant'>Identifiant</label>"
            "<input type='text' id='identifiant' name='identifiant' autocomplete='username'></div>"
            f"{captcha}<input type='submit' value='Recevoir le code par SMS'></form>"
        )
        return self._reply(sid, _page("Identification", body))

    def _code_screen(self, sid: str, state: dict) -> None:
        if not state.get("code"):
            return self._reply(sid, location="/portail/authentification/identification.do")
        if self.server.slow_code_screen:
            time.sleep(self.server.slow_code_screen)  # the portal is slow to build this page
        if self.server.hold_code_screen is not None:
            self.server.hold_code_screen.wait(60)
        with self.server.lock:
            self.server.note("code-screen")
        if self.server.split_code:
            boxes = "".join(
                f"<input type='text' name='d{i}' maxlength='1' inputmode='numeric' aria-label='Chiffre {i}'>"
                for i in range(1, 7)
            )
            code_field = f"<div class='champ'><span>Code reçu par SMS</span><div class='chiffres'>{boxes}</div></div>"
        else:
            code_field = (
                "<div class='champ'><label for='codeOtp'>Code reçu par SMS</label>"
                "<input type='text' id='codeOtp' name='codeOtp' maxlength='6' inputmode='numeric' "
                "autocomplete='one-time-code'></div>"
            )
        body = (
            f"{_message('ko', state.pop('error', None))}<h1>Vérification du code</h1>"
            "<p>Un code à 6 chiffres a été envoyé par SMS au numéro enregistré (06 ** ** ** 83).</p>"
            "<form method='post' action='/portail/authentification/code.do'>"
            f"{code_field}<div class='champ'><label for='motDePasse'>Mot de passe</label>"
            "<input type='password' id='motDePasse' name='motDePasse' autocomplete='current-password'></div>"
            "<input type='submit' value='Valider'></form>"
        )
        return self._reply(sid, _page("Vérification", body))

    def _dashboard(self, sid: str, state: dict) -> None:
        if not state.get("connected"):
            return self._reply(sid, location="/portail/accueil.do")
        body = (
            "<p><a href='/portail/affilie/declaration.do'>Déclaration des salaires</a> · "
            "<a href='/portail/affilie/paiement.do'>Télépaiement</a> · "
            "<a href='/portail/authentification/deconnexion.do'>Déconnexion</a></p>"
            "<h1>Espace affilié</h1><p>Pharmacie Ibn Sina – affiliation n° 9 204 118</p>"
            "<table><caption>Historique des déclarations</caption>"
            "<tr><th>Mois</th><th>Année</th><th>Situation</th></tr>"
            "<tr><td>Octobre</td><td>2026</td><td>Non déclarée</td></tr>"
            "<tr><td>Septembre</td><td>2026</td><td>Déclarée</td></tr></table>"
        )
        return self._reply(sid, _page("Espace affilié", body))

    # -- POST -----------------------------------------------------------------------------
    def do_POST(self):  # noqa: N802
        if self._refused():
            return
        sid, state = self._session()
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.path == "/portail/authentification/profil.do":
            return self._post_profile(sid, state, form)
        if self.path == "/portail/authentification/identification.do":
            return self._post_identification(sid, state, form)
        if self.path == "/portail/authentification/code.do":
            return self._post_code(sid, state, form)
        return self._reply(sid, location="/portail/accueil.do")

    def _post_profile(self, sid: str, state: dict, form: dict) -> None:
        if form.get("profil") not in ("EMPLOYEUR", "MANDATAIRE"):
            state["error"] = "Veuillez indiquer votre profil."
            return self._reply(sid, location="/portail/authentification/profil.do")
        state["profile"] = form["profil"]
        with self.server.lock:
            self.server.profiles.append(form["profil"])
        return self._reply(sid, location="/portail/authentification/identification.do")

    def _post_identification(self, sid: str, state: dict, form: dict) -> None:
        here = "/portail/authentification/identification.do"
        if self.server.captcha:
            expected = state.pop("captcha", None)
            if not expected or form.get("captcha", "").strip().upper() != expected:
                state["error"] = BAD_CAPTCHA
                return self._reply(sid, location=here)
        if form.get("identifiant", "").strip() != IDENTIFIER:
            state["error"] = UNKNOWN_USER
            return self._reply(sid, location=here)
        code = f"{secrets.randbelow(10**6):06d}"
        with self.server.lock:
            state.update(code=code, issued=self.server.now(), tries=0)
            self.server.codes.append(code)
            self.server.note("sms")
        self.server.code_sent.set()
        return self._reply(sid, location="/portail/authentification/code.do")

    def _post_code(self, sid: str, state: dict, form: dict) -> None:
        back, here = "/portail/authentification/identification.do", "/portail/authentification/code.do"
        typed = (
            "".join(form.get(f"d{i}", "") for i in range(1, 7)) if self.server.split_code else form.get("codeOtp", "")
        ).strip()
        with self.server.lock:
            if not state.get("code"):
                return self._reply(sid, location=back)
            if self.server.now() - state["issued"] > self.server.code_validity:
                state.pop("code")
                state["error"] = EXPIRED
                return self._reply(sid, location=back)
            if typed == state["code"] and form.get("motDePasse") == PASSWORD:
                state.clear()
                state["connected"] = True
                self.server.logged_in += 1
                return self._reply(sid, location="/portail/affilie/tableauDeBord.do")
            self.server.failures += 1
            state["tries"] += 1
            if state["tries"] >= TRIES_PER_CODE:
                state.pop("code")
                state["error"] = TOO_MANY
                return self._reply(sid, location=back)
            state["error"] = BAD_CODE if typed != state["code"] else BAD_PASSWORD
            return self._reply(sid, location=here)
