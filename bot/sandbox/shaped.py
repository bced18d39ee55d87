"""The login screens of a `Shape` (bot/sandbox/shapes.py), over the same `Portal` as the two
original styles. Only the way in and the login are drawn by the shape; the affiliate space, the
e-ID and the declarations are the classic style's pages."""

from __future__ import annotations

from http.cookies import SimpleCookie

from bot.sandbox.shape_pages import SENT, Screens
from bot.sandbox.state import CodeCheck, Session

HOME, CHOICE = "/fr/", "/fr/authentification"
IDENTIFIER, PASSWORD, CODE = (
    "/fr/authentification/otp",
    "/fr/authentification/otp/motdepasse",
    "/fr/authentification/otp/code",
)
GETS = (HOME, CHOICE, IDENTIFIER, PASSWORD, CODE)
POSTS = (IDENTIFIER, PASSWORD, CODE)

RESTART = {
    CodeCheck.EXPIRED: "Le code a expiré. Saisissez à nouveau votre identifiant pour recevoir un nouveau code.",
    CodeCheck.TOO_MANY: "Trop de tentatives erronées : cette authentification est annulée. "
    "Saisissez à nouveau votre identifiant.",
    CodeCheck.NO_ATTEMPT: "Saisissez d'abord votre identifiant.",
}


class Shaped:
    """One request to a shaped sandbox (the handler is the classic one: cookies, CSRF, sending)."""

    def __init__(self, handler, session: Session, created: bool = False):
        self.h, self.session, self.created = handler, session, created
        self.portal, self.shape = handler.portal, handler.server.shape
        seen = "cookies_vus" in SimpleCookie(handler.headers.get("Cookie", ""))
        self.screens = Screens(self.shape, session.csrf, seen)

    def _show(self, html: str) -> None:
        self.h._send(200, html, session=self.session, set_cookie=self.created)

    def _go(self, path: str) -> None:
        self.h._redirect(path, self.session, self.created)

    def get(self, path: str) -> None:
        flash, self.session.flash = self.session.flash, None
        if path == HOME:
            return self._show(self.screens.home(flash))
        if path == CHOICE:
            return self._show(self.screens.choice(flash))
        if path == IDENTIFIER:
            return self._show(self.screens.identifier(flash))
        if self.session.attempt is None:
            self.session.flash = "Saisissez d'abord votre identifiant."
            return self._go(IDENTIFIER)
        if path == PASSWORD:
            return self._show(self.screens.password_alone(self._sent()))
        return self._show(self.screens.code(self._sent()))

    def post(self, path: str, form: dict[str, str]) -> None:
        if path == IDENTIFIER:
            if self.portal.start_login(self.session, form.get("identifiant", "")) is None:
                return self._show(self.screens.identifier("Identifiant inconnu. Vérifiez votre saisie."))
            self.session.password_typed = None
            return self._go(PASSWORD if self.shape.password == "before" else CODE)
        if self.session.attempt is None:
            return self._show(self.screens.identifier(RESTART[CodeCheck.NO_ATTEMPT]))
        if path == PASSWORD:
            self.session.password_typed = form.get("motdepasse", "")
            return self._go(CODE)
        return self._check(form)

    def _check(self, form: dict[str, str]) -> None:
        code = form.get("code") or "".join(form.get(f"c{i}", "") for i in range(1, 7))
        password = form.get("motdepasse", self.session.password_typed or "")
        outcome, left = self.portal.check(self.session, code, password)
        if outcome is CodeCheck.OK:
            return self._go("/fr/espace-affilie")
        if outcome in RESTART:
            return self._show(self.screens.identifier(RESTART[outcome]))
        error = "Code incorrect." if outcome is CodeCheck.WRONG_CODE else "Mot de passe incorrect."
        self._show(self.screens.code(self._sent(), f"{error} Il vous reste {left} essai(s)."))

    def _sent(self) -> str:
        minutes = max(1, round(self.portal.code_ttl / 60))
        return SENT.format(phone=self.session.attempt.account.masked_phone, minutes=minutes)


def serves(method: str, path: str) -> bool:
    return path in (GETS if method in ("GET", "HEAD") else POSTS)
