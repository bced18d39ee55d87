"""Fault injection for the sandbox: the ways the real portal misbehaves, on demand.

One fault per sandbox, chosen with `damancom-bot sandbox --fault NAME` or `Faults(...)` in tests.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as dtime
from html import escape

from bot.errors import ConfigError
from bot.system.clock import TZ

NAMES = (
    "unavailable",
    "maintenance",
    "slow",
    "hang",
    "reset",
    "session-expiry",
    "drift",
    "server-error",
    "busy-hours",
    "slow-receipt",
    "refuse-headless",
    "refuse-headless-api",
)

HEADLESS_MARK = "HeadlessChrome"  # what a headless Chromium's own User-Agent says
# `refuse-headless`: a firewall in front of the portal, as the field met it. It answers every
# request of a headless browser, the spa's API included (a firewall knows no JSON), with this page.
# `refuse-headless-api`: the same firewall guarding only the spa's API (the shell goes through): its
# page comes back to a background fetch() of the single-page app.
FIREWALL_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Accès refusé</title></head>
<body><h1>Accès refusé</h1><p>La requête a été bloquée par mesure de sécurité.</p>
<p>Si vous pensez qu'il s'agit d'une erreur, contactez l'assistance en indiquant la référence ci-dessous.</p>
<p>Référence de l'incident : {reference}</p></body></html>"""

# Drift: the same portal after a redesign. Labels renamed (the two known-verbatim ones included),
# attributes dropped, layout changed.
DRIFT = [
    ("S'authentifier avec OTP", "Connexion par code SMS"),
    ("S'authentifier avec e-ID", "Connexion par identité numérique"),
    ('<label for="identifiant">Identifiant</label>', "<span>Code adhérent</span>"),
    ("Continuer", "Poursuivre"),
    ('autocomplete="username"', ""),
    ('autocomplete="one-time-code" inputmode="numeric" maxlength="6"', 'size="8"'),
    ("Code reçu par SMS", "Jeton"),
    (">Valider<", ">Confirmer<"),
    ("Espace affilié", "Mon espace employeur"),
    ("Déclaration des salaires", "Obligations mensuelles"),
    ("<table>", '<table class="v2" style="display:block">'),
    ("main{max-width:760px", "main{display:flex;flex-direction:column-reverse;max-width:900px"),
    # Only in the spa style's shell (its script included): the classic pages have none of these.
    ('placeholder="Votre identifiant"', 'placeholder="Code adhérent"'),
    ('aria-label="Chiffre ${i} du code"', 'aria-label="Caractère ${i}"'),
    ("J'ai compris", "D'accord"),
]


@dataclass
class Faults:
    name: str | None = None
    slow_seconds: float = 3.0
    busy_hours: tuple[dtime, dtime] | None = None
    session_expiry: str = "once"  # or "always"
    fired: set[str] = field(default_factory=set)
    agents: list[str] = field(default_factory=list)  # `refuse-headless`: every request's User-Agent
    refused: list[str] = field(default_factory=list)  # the references given, one per refused request

    def __post_init__(self) -> None:
        if self.name is not None and self.name not in NAMES:
            raise ConfigError(f"--fault {self.name} : panne inconnue. Choix possibles : {', '.join(NAMES)}.")
        if self.session_expiry not in ("once", "always"):
            raise ConfigError("--session-expiry : attendu once ou always.")

    def busy_now(self, moment: float) -> bool:
        if self.name != "busy-hours" or self.busy_hours is None:
            return False
        start, end = self.busy_hours
        now = datetime.fromtimestamp(moment, TZ).time()
        return start <= now < end if start <= end else (now >= start or now < end)

    def expire_session(self) -> bool:
        """True when this « Valider » should find its session gone."""
        if self.name != "session-expiry":
            return False
        if self.session_expiry == "once" and "session-expiry" in self.fired:
            return False
        self.fired.add("session-expiry")
        return True

    def receipt_delay(self) -> float:
        """`slow-receipt`: the declaration is recorded at once, its answer comes `slow_seconds` later."""
        return self.slow_seconds if self.name == "slow-receipt" else 0.0

    def refuses(self, user_agent: str, api: bool = False) -> bool:
        """`refuse-headless`: True for a request the firewall turns away (a headless browser's);
        `refuse-headless-api`: only the spa's API requests (`api`)."""
        if self.name not in ("refuse-headless", "refuse-headless-api"):
            return False
        if self.name == "refuse-headless-api" and not api:
            return False
        self.agents.append(user_agent)
        return HEADLESS_MARK in user_agent

    def firewall_page(self) -> str:
        reference = f"{secrets.randbelow(10**19):019d}"
        self.refused.append(reference)
        return FIREWALL_PAGE.format(reference=escape(reference))

    def drift(self, html: str) -> str:
        if self.name == "drift":
            for old, new in DRIFT:
                html = html.replace(old, new)
        return html


def parse_hours(text: str) -> tuple[dtime, dtime]:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", (text or "").strip())
    if not match:
        raise ConfigError(f"--busy-hours « {text} » : attendu HH:MM-HH:MM, par exemple 08:00-20:00.")
    h1, m1, h2, m2 = map(int, match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ConfigError(f"--busy-hours « {text} » : heure invalide.")
    return dtime(h1, m1), dtime(h2, m2)
