"""Keeps secrets (password, SMS codes, tokens) out of every text the bot writes.

Secrets are registered once (when the configuration is read, when a code is typed); every log
record, error message and report goes through `scrub`. Playwright's own error messages quote the
values given to `fill()`, which is why this sits under the errors as well as the logs.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "••••••"
_lock = threading.Lock()
_secrets: set[str] = set()


def register(value: str | None) -> None:
    if value and len(value) >= 4:  # shorter strings would blot out ordinary words
        with _lock:
            _secrets.update(forms(value))


def forms(value: str) -> set[str]:
    """The ways a secret shows up in a text: as typed, in a URL (a request path or a form body, the
    Bot API echoing its own path: « %3A », « %3a », « + »), and inside JSON (escaped quotes, \\uXXXX)."""
    url = {"encoding": "utf-8", "errors": "surrogatepass"}  # a value read from a non-UTF-8 environment
    found = {
        value,
        quote(value, **url),
        quote(value, safe="", **url),
        quote_plus(value, **url),
        quote_plus(value, safe="", **url),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
    }
    found |= {re.sub(r"%[0-9A-F]{2}", lambda hexa: hexa[0].lower(), form) for form in found}
    return found


def forget_all() -> None:
    """Drops every registered secret: for a process that runs the bot more than once (the tests)."""
    with _lock:
        _secrets.clear()


def scrub(text: str) -> str:
    if not text:
        return text
    with _lock:
        ordered = sorted(_secrets, key=len, reverse=True)
    for secret in ordered:
        text = text.replace(secret, MASK)
    return text


def scrub_markup(text: str) -> str:
    """`scrub` for HTML: also the secrets as markup writes them (« & » as « &amp; », quotes…)."""
    import html

    with _lock:
        ordered = sorted(_secrets, key=len, reverse=True)
    for secret in ordered:
        for form in {secret, html.escape(secret, quote=False), html.escape(secret)}:
            text = text.replace(form, MASK)
    return text
