"""Playwright's errors, read: the browser failing is not the portal changing, and their English
stays in the log (the person reads French)."""

from __future__ import annotations

import re

# What Playwright says when the browser, not the page, is at fault (closed, crashed, lost).
_BROWSER_GONE = re.compile(
    r"Target (page, context or browser )?(has been |was )?closed|Browser has been closed|"
    r"Protocol error|Target crashed|Page crashed|browser has disconnected|"
    r"Connection closed|WebSocket error",
    re.IGNORECASE,
)
_TIMEOUT = re.compile(r"Timeout (\d+)ms exceeded")


def browser_failed(exc: BaseException) -> bool:
    return bool(_BROWSER_GONE.search(str(exc)))


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def in_french(exc: BaseException) -> str:
    """A short French reading of a Playwright error, for a message a person reads."""
    text = str(exc)
    timeout = _TIMEOUT.search(text)
    if timeout:
        return f"délai de {int(timeout.group(1)) / 1000:.0f} s dépassé"
    if browser_failed(exc):
        return "le navigateur s'est fermé ou ne répond plus"
    return "le navigateur a refusé l'opération demandée"


# What the browser's own log says when it stops at its start (Playwright appends that log to the error).
_FATAL = re.compile(r"FATAL:[^\]]*\]\s*([^\n]+)")


def not_installed(exc: BaseException) -> bool:
    return "Executable doesn't exist" in str(exc)


def launch_failure(exc: BaseException) -> str:
    """Why the browser stopped as it started, in French, read from its own log when it says."""
    text = str(exc)
    if "Socket path too long" in text:  # Chromium's singleton socket lives in the temporary folder
        return (
            "il s'est arrêté aussitôt : le chemin du dossier temporaire est trop long pour lui (un peu plus de "
            "100 caractères au plus). Choisissez un dossier temporaire au chemin court (variable TMPDIR, par "
            "exemple /tmp) puis relancez"
        )
    fatal = _FATAL.search(text)
    if fatal:
        return f"il s'est arrêté aussitôt ; son message : « {fatal[1].strip()[:200]} »"
    return in_french(exc)


def unsafe_port(exc: BaseException) -> bool:
    """Chromium refuses, without trying, ports reserved for other services (9, 25, 6000…)."""
    return "ERR_UNSAFE_PORT" in str(exc)


# The browser's network errors (« Page.goto: net::ERR_CONNECTION_REFUSED at … »), said in words
# wherever a person reads them: the console, the dashboard, notifications.
_NET_ERROR = re.compile(r"(?:[A-Za-z]+\.[A-Za-z_]+: )?net::(ERR_[A-Z0-9_]+)(?: at \S+?(?=[)\s]|$))?")
_NET_FR = {
    "ERR_CONNECTION_REFUSED": "connexion refusée : rien ne répond à cette adresse",
    "ERR_NAME_NOT_RESOLVED": "adresse introuvable (nom de domaine inconnu)",
    "ERR_INTERNET_DISCONNECTED": "pas de connexion à Internet",
    "ERR_ADDRESS_UNREACHABLE": "adresse injoignable depuis cet ordinateur",
    "ERR_CONNECTION_TIMED_OUT": "le portail n'a pas répondu à temps",
    "ERR_TIMED_OUT": "délai dépassé",
    "ERR_CONNECTION_RESET": "connexion coupée par le portail",
    "ERR_CONNECTION_CLOSED": "connexion fermée par le portail",
    "ERR_EMPTY_RESPONSE": "réponse vide du portail",
    "ERR_NETWORK_CHANGED": "le réseau de l'ordinateur a changé",
    "ERR_UNSAFE_PORT": "port refusé par le navigateur",
}


def _net_words(code: str) -> str:
    if code in _NET_FR:
        return _NET_FR[code]
    if code.startswith(("ERR_CERT", "ERR_SSL")):
        return "connexion sécurisée impossible (certificat du portail refusé)"
    if code.startswith("ERR_PROXY"):
        return "le proxy de l'ordinateur ne répond pas"
    return "erreur du réseau"


def network_in_words(text: str) -> str:
    """`text` with every « net::ERR_… » of the browser said in French (the rest kept as it is)."""
    return _NET_ERROR.sub(lambda m: _net_words(m.group(1)), text)
