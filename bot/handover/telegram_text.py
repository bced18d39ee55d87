"""What a message typed (or forwarded) in the Telegram chat means: a word, a code, or nothing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

READY_WORDS = {"pret", "prete", "je suis pret", "je suis prete", "oui", "ok"}
NOT_NOW_WORDS = {"pas maintenant", "plus tard", "non"}
STOP_WORDS = {"stop", "arret", "arreter"}
RESEND_WORDS = {"renvoyer", "renvoi", "renvoyer le code", "r"}
START_WORDS = {"/start", "/aide", "/help", "aide"}

# A 6-digit code as typed (123456, 123 456) — the whole message.
_TYPED = re.compile(r"\s*(\d{3})[\s.-]?(\d{3})\s*")
# A 6-digit group inside a longer text (a forwarded SMS): no digit right before or after it.
_GROUP = re.compile(r"(?<!\d)\d{6}(?!\d)")
# The portal's masked phone, e.g. « 06 •• •• •• 78 » (bullets, stars or x).
_MASKED_PHONE = re.compile(r"\d{2}(?:[ .]?[•*xX]{2}){3}[ .]?\d{2}")


@dataclass(frozen=True)
class Reading:
    kind: str  # "word" (value: ready/not_now/stop/resend/start), "code" (value: the digits), "several", "none"
    value: str = ""

    def __repr__(self) -> str:  # a code must not show up in a log or a traceback
        return f"Reading({self.kind!r})"


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation around: « Prêt ! » → « pret »."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"\s+", " ", re.sub(r"[^\w/ ]+", " ", plain)).strip()


def read(text: str) -> Reading:
    words = normalize(text)
    for kind, vocabulary in (
        ("ready", READY_WORDS),
        ("not_now", NOT_NOW_WORDS),
        ("stop", STOP_WORDS),
        ("resend", RESEND_WORDS),
        ("start", START_WORDS),
    ):
        if words in vocabulary:
            return Reading("word", kind)
    typed = _TYPED.fullmatch(text or "")
    if typed:
        return Reading("code", typed[1] + typed[2])
    groups = set(_GROUP.findall(text or ""))
    if len(groups) == 1:
        return Reading("code", groups.pop())
    if len(groups) > 1:
        return Reading("several")
    return Reading("none")


def masked_phone(text: str) -> str | None:
    """The masked phone number the portal shows on its code screen, if `text` quotes it."""
    found = _MASKED_PHONE.search(text or "")
    if not found:
        return None
    digits = re.sub(r"\D", "", found[0])
    return f"{digits[:2]} •• •• •• {digits[-2:]}"
