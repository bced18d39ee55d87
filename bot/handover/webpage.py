"""A small French page on 127.0.0.1 where the person types the code (or says « Je suis prêt »).

Reachable only at a URL carrying a one-time token; anything else gets 403 before a byte of the
body is read. Forms carry a CSRF token, and the Host header must be the loopback address (no DNS
rebinding). Once a code is taken the form is closed (410) until the portal asks for a new one, and
a code already given is never sent twice (a reload, a double click): a try is never spent twice on
one code. The server stops as soon as the run stops waiting.
"""

from __future__ import annotations

import threading
from html import escape
from urllib.parse import parse_qs

from bot.errors import BadInput, InvalidCode
from bot.handover.base import Channel
from bot.handover.code import parse_code
from bot.handover.mailbox import READY, RESEND, Mailbox
from bot.system import localweb

MAX_BODY = 4096  # the form is a few dozen bytes

_STYLE = (
    "body{font-family:Arial,sans-serif;max-width:520px;margin:40px auto;padding:0 16px;color:#1d2733}"
    "input{font-size:28px;letter-spacing:6px;width:9em;padding:6px}button{font-size:18px;padding:10px 18px;"
    "margin:12px 8px 0 0}.erreur{color:#8a1c13}.ok{color:#1c7a33}"
)


class LocalPageChannel(Channel):
    name = "page-locale"
    shows_pictures = True  # a portal question (captcha) is shown with its screenshot

    def __init__(self, mailbox: Mailbox, account: str):
        self.mailbox, self.account = mailbox, account
        self.token = localweb.new_token()
        self.csrf = localweb.new_token()
        self.phase = ""
        self.done_text = ""
        self.picture = ""  # the question's screenshot, as a data: URL
        self.changed = threading.Event()  # set whenever the page shows something new (tests wait on it)
        self.given: set[str] = set()  # codes already handed to the run (memory only, never written)
        self._lock = threading.Lock()  # two POSTs at once (a double click) are handled one after the other
        self.server = localweb.LocalServer(_app(self), name="local-page")
        self._started = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/code/{self.token}"

    def open(self, phase: str, hint: str = "", picture=None) -> None:
        self.phase, self.done_text = phase, ""
        self.picture = localweb.png_data_url(picture) if phase == "question" else ""
        self.changed.set()
        if not self._started:
            self.mailbox.channel_opened(self.name)
            self.server.start()
            self._started = True

    def refused(self) -> None:
        self.open("code")

    def close(self) -> None:
        self.server.stop()
        self.phase = ""

    def render(self, message: str = "", error: str = "") -> str:
        hidden = f'<input type="hidden" name="_csrf" value="{self.csrf}">'
        if self.done_text:
            body = f'<p class="ok">{escape(self.done_text)}</p>'
        elif self.phase == "ready":
            body = (
                f"<p>Le bot est prêt à se connecter à Damancom pour le compte <b>{escape(self.account)}</b>. "
                "Le portail enverra alors un code par SMS.</p>"
                f'<form method="post">{hidden}<input type="hidden" name="action" value="ready">'
                "<button>Je suis prêt</button></form>"
            )
        elif self.phase == "question":
            image = (
                f'<p><img src="{self.picture}" alt="Capture de l\'écran du portail" style="max-width:100%"></p>'
                if self.picture
                else ""
            )
            body = (
                f"<p>Le portail pose une question avant d'envoyer le SMS pour le compte <b>{escape(self.account)}</b>. "
                f"Répondez d'après la capture ci-dessous.</p>{image}"
                f'<form method="post">{hidden}<input type="hidden" name="action" value="answer">'
                '<label for="reponse">Réponse</label><br><input id="reponse" name="reponse" autofocus>'
                "<br><button>Envoyer la réponse</button></form>"
            )
        elif self.phase == "code":
            body = (
                f"<p>Saisissez le code à 6 chiffres reçu par SMS pour le compte <b>{escape(self.account)}</b>.</p>"
                f'<form method="post">{hidden}<input type="hidden" name="action" value="code">'
                '<label for="code">Code reçu par SMS</label><br>'
                '<input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" maxlength="7" autofocus>'
                "<br><button>Envoyer le code</button></form>"
                f'<form method="post">{hidden}<input type="hidden" name="action" value="resend">'
                "<button>Je n'ai pas reçu le SMS : renvoyer le code</button></form>"
            )
        else:
            body = "<p>Plus aucune connexion n'attend de code. Vous pouvez fermer cette page.</p>"
        notes = (f'<p class="ok">{escape(message)}</p>' if message else "") + (
            f'<p class="erreur" role="alert">{escape(error)}</p>' if error else ""
        )
        return (
            f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>damancom-bot : code SMS</title>'
            f'<meta name="viewport" content="width=device-width"><style>{_STYLE}</style></head>'
            f"<body><h1>damancom-bot</h1>{notes}{body}</body></html>"
        )

    def handle_post(self, form: dict[str, str]) -> tuple[int, str]:
        if not localweb.same(form.get("_csrf", ""), self.csrf):
            return 403, _forbidden()
        with self._lock:
            return self._handle(form)

    def _handle(self, form: dict[str, str]) -> tuple[int, str]:
        action = form.get("action")
        if self.done_text or not self.phase:  # the form was answered (or the run stopped waiting): closed
            return 410, self.render(message="Votre réponse a déjà été transmise : rien n'a été renvoyé.")
        if action == "ready" and self.phase == "ready":
            self.mailbox.post(READY, self.name)
            self.done_text = "Merci : le bot demande le code. Gardez cette page ouverte pour le saisir."
            return 200, self.render()
        if action == "resend" and self.phase == "code":
            self.mailbox.post(RESEND, self.name)
            return 200, self.render(message="Demande de renvoi transmise : un nouveau SMS va arriver.")
        if action == "answer" and self.phase == "question":
            try:
                self.mailbox.offer_answer(form.get("reponse", ""), self.name)
            except BadInput as exc:
                return 200, self.render(error=exc.message)
            self.done_text = "Réponse transmise au bot. Gardez cette page ouverte pour le code SMS."
            return 200, self.render()
        if action == "code" and self.phase == "code":
            try:
                code = parse_code(form.get("code", ""))
            except InvalidCode as exc:
                return 200, self.render(error=exc.message)
            if code in self.given:
                return 200, self.render(
                    error="Ce code a déjà été transmis (et refusé par le portail) : il n'est pas "
                    "renvoyé. Saisissez le nouveau code reçu par SMS."
                )
            self.given.add(code)
            self.mailbox.offer_code(code, self.name)
            self.done_text = "Code transmis au bot. Vous pouvez fermer cette page."
            return 200, self.render()
        return 409, self.render(error="Cette action n'est pas attendue pour le moment.")


def _forbidden() -> str:
    return localweb.FORBIDDEN


def _app(channel: LocalPageChannel):
    """The page as a Starlette app behind the shared guard: Host and token before the body, 4 KB at most."""
    from starlette.concurrency import run_in_threadpool
    from starlette.routing import Route

    path = f"/code/{channel.token}"

    async def show(request):
        return localweb.page_response(200, channel.render())

    async def post(request):
        body = await request.body()
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        status, html = await run_in_threadpool(channel.handle_post, form)  # the mailbox's lock may wait
        return localweb.page_response(status, html)

    app = localweb.starlette_app([Route(path, show, methods=["GET"]), Route(path, post, methods=["POST"])])
    return localweb.guard(app, allowed=lambda asked: localweb.same(asked, path), body_limit=lambda _: MAX_BODY)
