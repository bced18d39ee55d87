"""The « spa » style: one HTML shell for every screen under /fr/, then a JSON API under /fr/api/.

The same `Portal` (accounts, codes, tries, e-ID, declarations) as the classic style; only the way
the screens reach the browser differs. Every reply is JSON: data, plus `erreur` / `info` (French
messages the shell shows as toasts) and `suite` (the screen's URL the shell goes to next).

Routes (POST ones need the shell's token in `X-CSRF-Token`, else 403):
  POST otp {identifiant}            slow (the SMS step) → code screen data | 422 unknown identifier
  GET  otp/code                     masked phone, validity | 409 no attempt
  POST otp/code {code, motdepasse}  → interface + new token | 422 wrong code/password | 409 expired, too many
  POST otp/renvoi                   slow → new code | 422 no more resends
  POST eid, GET eid/etat            QR svg; en_attente | approuve (+ new token) | expire
  GET  espace                       the interface's data | 401 not logged in | 409 a group, no affiliate chosen
  GET  groupe; POST groupe/choisir {affiliation}   a « compte groupe »: its affiliates; the one worked for
  GET  declaration/P, declaration/P/accuse; POST declaration/P/depot (FormData « fichier »),
       declaration/P/valider        period state and pending totals; refusals (422); receipt
  POST deconnexion                  a fresh session (new cookie and token)
"""

from __future__ import annotations

import json
import re
import secrets
from http import HTTPStatus

import segno

from bot.sandbox import filing, pages, spa_shell
from bot.sandbox.state import CodeCheck, Session, amount_due

API = "/fr/api/"

# The shell's own routes: served with 200; any other path under /fr/ gets the shell with a 404.
ROUTES = re.compile(
    r"/fr/(authentification/(otp(/code)?|eid)|espace-affilie|espace-groupe"
    r"|declaration/\d{4}-\d{2}(/confirmation|/accuse)?)?"
)

UNAVAILABLE = (
    "Service momentanément indisponible : le portail Damancom connaît une forte affluence. "
    "Veuillez réessayer ultérieurement."
)
MAINTENANCE = (
    "Service momentanément indisponible : maintenance en cours. Le portail Damancom sera de nouveau "
    "accessible dans quelques heures."
)
SERVER_ERROR = "Service momentanément indisponible : une erreur technique est survenue (erreur interne du serveur)."
FORBIDDEN = "Accès refusé : votre session a expiré ou la requête n'est plus valide. Recommencez depuis l'accueil."
NOT_LOGGED_IN = "Veuillez vous authentifier pour accéder à votre espace."
NO_ATTEMPT = "Saisissez d'abord votre identifiant."
RESTART = {
    CodeCheck.EXPIRED: "Le code a expiré. Saisissez à nouveau votre identifiant pour recevoir un nouveau code.",
    CodeCheck.TOO_MANY: "Trop de tentatives erronées : cette authentification est annulée. "
    "Saisissez à nouveau votre identifiant.",
    CodeCheck.NO_ATTEMPT: NO_ATTEMPT,
}

HOME, IDENTIFIER, CODE, INTERFACE, GROUP = (
    "/fr/",
    "/fr/authentification/otp",
    "/fr/authentification/otp/code",
    "/fr/espace-affilie",
    "/fr/espace-groupe",
)
EXPIRED = "Votre session a expiré. Veuillez vous reconnecter."


def serves(path: str) -> bool:
    """True for what the spa style answers itself; the downloads and /_sandbox/ stay shared."""
    return path.startswith("/fr/") and not re.fullmatch(r"/fr/declaration/\d{4}-\d{2}/(preetabli|accuse\.txt)", path)


def reply(handler, status: int, data: dict, session: Session | None = None, set_cookie: bool = False) -> None:
    handler._send(
        status,
        json.dumps(data, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
        session=session,
        set_cookie=set_cookie,
    )


def expired(handler) -> None:
    """A request on a session the portal forgot: said so, with a fresh session to start again."""
    fresh = handler.portal.new_session()
    reply(handler, HTTPStatus.UNAUTHORIZED, {"erreur": EXPIRED, "suite": HOME, "csrf": fresh.csrf}, fresh, True)


def fault_reply(handler, text: str) -> None:
    reply(handler, HTTPStatus.SERVICE_UNAVAILABLE, {"erreur": text})


def _shown(period: str) -> str:
    return f"{period[5:]}/{period[:4]}"


class Spa:
    """One request of the spa style."""

    def __init__(self, handler, session: Session | None):
        self.h, self.session = handler, session
        self.portal, self.server = handler.portal, handler.server

    def _reply(self, status: int, data: dict, set_cookie: bool = False) -> None:
        reply(self.h, status, data, self.session, set_cookie)

    # GET ----------------------------------------------------------------------------
    def get(self, path: str, created: bool) -> None:
        if not path.startswith(API):
            status = 200 if ROUTES.fullmatch(path) else HTTPStatus.NOT_FOUND
            shell = spa_shell.shell(self.session.csrf, toast_seconds=self.server.toast_seconds)
            return self.h._send(status, shell, session=self.session, set_cookie=created)
        route = path.removeprefix(API)
        if route == "otp/code":
            attempt = self.session.attempt
            if attempt is None:
                return self._reply(HTTPStatus.CONFLICT, {"erreur": NO_ATTEMPT, "suite": IDENTIFIER})
            return self._reply(200, self._code_screen())
        if route == "eid/etat":
            state = self.portal.eid_state(self.session)
            return self._reply(200, {"etat": state, **({"csrf": self.session.csrf} if state == "approuve" else {})})
        if route == "groupe":
            return self._group()
        if self.session.account is None and self.session.group is not None:
            return self._reply(HTTPStatus.CONFLICT, {"suite": GROUP})
        if self.session.account is None:
            return self._reply(HTTPStatus.UNAUTHORIZED, {"erreur": NOT_LOGGED_IN, "suite": HOME})
        if route == "espace":
            return self._reply(200, self._interface())
        found = self._period(route)
        if found is None:
            return self._reply(HTTPStatus.NOT_FOUND, {"erreur": "Cette page n'existe pas.", "suite": INTERFACE})
        period, action = found
        if action == "":
            return self._reply(200, self._declaration(period))
        receipt = self.session.account.receipts.get(period)
        if action == "/accuse" and receipt is not None:
            return self._reply(200, self._receipt(period))
        return self._reply(
            HTTPStatus.NOT_FOUND,
            {"erreur": "Aucun accusé de réception pour cette période.", "suite": f"/fr/declaration/{period}"},
        )

    # POST ---------------------------------------------------------------------------
    def post(self, path: str, form: dict[str, str]) -> None:
        token = self.h.headers.get("X-CSRF-Token", "")
        if self.session is None or not secrets.compare_digest(token, self.session.csrf):
            return reply(self.h, HTTPStatus.FORBIDDEN, {"erreur": FORBIDDEN})
        route = path.removeprefix(API)
        if route == "otp":
            return self._start_login(form.get("identifiant", ""))
        if route == "otp/code":
            return self._check_code(form)
        if route == "otp/renvoi":
            return self._resend()
        if route == "eid":
            challenge = self.portal.start_eid(self.session)
            qr = segno.make(f"damancom-eid:{challenge.id}", error="m").svg_inline(scale=5)
            return self._reply(200, {"challenge": challenge.id, "qr": qr})
        if route == "deconnexion":
            self.portal.end_session(self.session)
            self.session = self.portal.new_session()
            return self._reply(
                200, {"info": "Vous êtes déconnecté.", "suite": HOME, "csrf": self.session.csrf}, set_cookie=True
            )
        if route == "groupe/choisir":
            return self._choose(form.get("affiliation", ""))
        if self.session.account is None:
            return self._reply(HTTPStatus.UNAUTHORIZED, {"erreur": NOT_LOGGED_IN, "suite": HOME})
        found = self._period(route)
        if found is None:
            return self._reply(HTTPStatus.NOT_FOUND, {"erreur": "Cette page n'existe pas.", "suite": INTERFACE})
        return self._file(*found, form)

    # a « compte groupe » ---------------------------------------------------------------
    def _group(self) -> None:
        group = self.session.group
        if group is None:
            return self._reply(HTTPStatus.UNAUTHORIZED, {"erreur": NOT_LOGGED_IN, "suite": HOME})
        self.session.account = None  # back in the group's space: no affiliate chosen
        affiliates = [
            {"raison_sociale": a.employer, "affiliation": a.affiliation} for a in self.portal.affiliates_of(group)
        ]
        return self._reply(200, {"groupe": group.employer, "affilies": affiliates})

    def _choose(self, affiliation: str) -> None:
        if self.session.group is None:
            return self._reply(HTTPStatus.UNAUTHORIZED, {"erreur": NOT_LOGGED_IN, "suite": HOME})
        chosen = self.portal.choose(self.session, affiliation)
        if chosen is None and self.portal.session(self.session.id) is None:
            return self._expired()
        if chosen is None:
            return self._reply(
                HTTPStatus.UNPROCESSABLE_ENTITY, {"erreur": "Cet affilié n'est pas rattaché à votre compte groupe."}
            )
        return self._reply(200, {"suite": INTERFACE})

    def _expired(self) -> None:
        self.portal.end_session(self.session)
        expired(self.h)

    def _start_login(self, identifier: str) -> None:
        if identifier.strip() in self.portal.accounts:
            self.server.stopping.wait(self.server.sms_delay)  # the SMS gateway is slow
        if self.portal.start_login(self.session, identifier) is None:
            return self._reply(
                HTTPStatus.UNPROCESSABLE_ENTITY, {"erreur": "Identifiant inconnu. Vérifiez votre saisie."}
            )
        return self._reply(200, {**self._code_screen(), "suite": CODE})

    def _resend(self) -> None:
        if self.session.attempt is None:
            return self._reply(HTTPStatus.CONFLICT, {"erreur": NO_ATTEMPT, "suite": IDENTIFIER})
        self.server.stopping.wait(self.server.sms_delay)
        if self.portal.resend(self.session) is None:
            return self._reply(HTTPStatus.UNPROCESSABLE_ENTITY, {"erreur": "Nombre maximal de renvois atteint."})
        return self._reply(200, {"info": "Un nouveau code vous a été envoyé par SMS."})

    def _check_code(self, form: dict[str, str]) -> None:
        faults = self.server.faults
        if faults.name == "server-error":
            return reply(self.h, HTTPStatus.INTERNAL_SERVER_ERROR, {"erreur": SERVER_ERROR})
        if faults.expire_session():
            return self._expired()
        outcome, left = self.portal.check(self.session, form.get("code", ""), form.get("motdepasse", ""))
        if outcome is CodeCheck.OK:
            return self._reply(200, {"suite": GROUP if self.session.group else INTERFACE, "csrf": self.session.csrf})
        if outcome in RESTART:
            return self._reply(HTTPStatus.CONFLICT, {"erreur": RESTART[outcome], "suite": IDENTIFIER})
        wrong_code = outcome is CodeCheck.WRONG_CODE
        error = "Code incorrect." if wrong_code else "Mot de passe incorrect."
        return self._reply(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            {
                "erreur": f"{error} Il vous reste {left} essai(s).",
                "champ": "code" if wrong_code else "motdepasse",
                "essais_restants": left,
            },
        )

    # declarations ---------------------------------------------------------------------
    def _period(self, route: str) -> tuple[str, str] | None:
        match = re.fullmatch(r"declaration/(\d{4}-\d{2})(/[a-z]+)?", route)
        if not match or match[1] not in dict(self.portal.periods(self.session.account)):
            return None
        return match[1], match[2] or ""

    def _file(self, period: str, action: str, form: dict[str, str]) -> None:
        if dict(self.portal.periods(self.session.account))[period]:
            return self._reply(
                HTTPStatus.CONFLICT,
                {"erreur": f"La période {_shown(period)} est déjà déclarée.", "suite": f"/fr/declaration/{period}"},
            )
        if action == "/depot":
            refusals = filing.upload(self.portal, self.session, period, form.get("fichier", ""))
            if refusals:
                return self._reply(HTTPStatus.UNPROCESSABLE_ENTITY, {"erreur": "Fichier refusé.", "refus": refusals})
            return self._reply(200, {**self._declaration(period), "suite": f"/fr/declaration/{period}/confirmation"})
        if action == "/valider":
            if filing.validate(self.portal, self.session, period) is None:
                return self._reply(
                    HTTPStatus.CONFLICT,
                    {"erreur": "Aucun fichier en attente de validation.", "suite": f"/fr/declaration/{period}"},
                )
            self.h.server.stopping.wait(self.h.server.faults.receipt_delay())
            return self._reply(200, {**self._receipt(period), "suite": f"/fr/declaration/{period}/accuse"})
        return self._reply(HTTPStatus.NOT_FOUND, {"erreur": "Cette page n'existe pas.", "suite": INTERFACE})

    # screen data ------------------------------------------------------------------------
    def _code_screen(self) -> dict:
        return {
            "telephone": self.session.attempt.account.masked_phone,
            "validite_minutes": max(1, round(self.portal.code_ttl / 60)),
        }

    def _interface(self) -> dict:
        account = self.session.account
        return {
            "raison_sociale": account.employer,
            "affiliation": account.affiliation,
            "groupe": self.session.group is not None,
            "periodes": [
                {"periode": p, "affichage": _shown(p), "declaree": done, "accuse": p in account.receipts}
                for p, done in self.portal.periods(account)
            ],
            "paiements": [
                {"periode": p, "affichage": _shown(p), "montant": pages.mad(r.amount_due)}
                for p, r in account.receipts.items()
            ],
        }

    def _declaration(self, period: str) -> dict:
        pending = self.session.pending if self.session.pending and self.session.pending["period"] == period else None
        totals = None
        if pending:
            totals = {
                "salaries": pending["employees"],
                "total_reel": pages.mad(pending["real"]),
                "total_plafonne": pages.mad(pending["capped"]),
                "montant": pages.mad(amount_due(pending["real"], pending["capped"])),
            }
        return {
            "periode": period,
            "affichage": _shown(period),
            "declaree": dict(self.portal.periods(self.session.account))[period],
            "accuse": period in self.session.account.receipts,
            "en_attente": totals,
        }

    def _receipt(self, period: str) -> dict:
        account = self.session.account
        receipt = account.receipts[period]
        return {
            "periode": period,
            "affichage": _shown(period),
            "raison_sociale": account.employer,
            "affiliation": account.affiliation,
            "reference": receipt.reference,
            "date_depot": pages.filed_at(receipt),
            "salaries": receipt.employees,
            "total_reel": pages.mad(receipt.total_real),
            "total_plafonne": pages.mad(receipt.total_capped),
            "montant": pages.mad(receipt.amount_due),
        }
