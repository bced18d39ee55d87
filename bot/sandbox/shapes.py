"""A space of portal shapes: each way a portal may present the same login, as one switch.

`Shape()` is one point of the space, served by `bot/sandbox/shaped.py` over the same `Portal`.
Two named points are the sandbox's original styles (`classic`, `spa`: their own renderers,
unchanged); `field` is the real portal as the field's scripts describe it (damancom-path.md).

Text form (`damancom-bot sandbox --shape …`): a name, or `key=value` switches separated by
commas, over the defaults or over a name given first: `field,delay=2`, `entry=link,words=Se
connecter,code=late`. `Shape.draw(random.Random(seed))` picks a point at random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields, replace

from bot.errors import ConfigError

# Every switch and its values (the first is the default).
CHOICES: dict[str, tuple[str, ...]] = {
    "pages": ("documents", "single"),  # one document per screen, or one document whose <main> is swapped
    "entry": ("choice", "link", "direct"),  # the OTP choice on home / one link further / only at its address
    "fields": ("label", "placeholder", "caps", "aria", "structure"),
    "buttons": ("button", "link", "input"),  # <button>, <a> styled as one, <input type=submit>
    "code": ("one", "boxes", "late"),  # one field, six one-digit boxes, six boxes drawn after the rest
    "password": ("with-code", "before"),  # on the code's screen, or on a screen of its own before it
    "messages": ("alert", "toast", "inline", "neutral"),
}
YES_NO = ("no", "yes")
# How the way in may be worded on a public home page (the last one says nothing: only its href does).
ENTRY_WORDS = (
    "Mon compte",
    "Se connecter",
    "Connexion",
    "Espace employeur",
    "Espace affilié",
    "Accéder à mon espace",
    "S'identifier",
    "Authentification",
    "Damancom en ligne",
)
DELAYS = (0.0, 0.5, 1.0, 2.0, 3.0)  # seconds before a screen's content is drawn
LATE = (1.0, 2.0, 3.0)  # seconds between a screen and its late code boxes
BASES = ("classic", "spa")  # the two original styles, each its own renderer


@dataclass(frozen=True)
class Shape:
    pages: str = "documents"
    entry: str = "choice"
    words: str = "Mon compte"  # the way in's wording, for entry=link
    fields: str = "label"
    buttons: str = "button"
    code: str = "one"
    password: str = "with-code"
    messages: str = "alert"
    delay: float = 0.0
    late: float = 2.0
    cookies: str = "no"
    modal: str = "no"
    # Room for a portal that refuses headless browsers: the sandbox fault `refuse-headless`
    # (bot/sandbox/faults.py) serves it; a shape only asks for it.
    headless: str = "accepted"
    base: str = ""  # "classic" / "spa": served by that original style, every switch ignored

    def __post_init__(self) -> None:
        for key, allowed in {
            **CHOICES,
            "cookies": YES_NO,
            "modal": YES_NO,
            "headless": ("accepted", "refused"),
            "base": ("", *BASES),
        }.items():
            if getattr(self, key) not in allowed:
                raise ConfigError(
                    f"--shape {key}={getattr(self, key)} : valeur inconnue. Choix possibles : "
                    f"{', '.join(v for v in allowed if v)}."
                )
        for key, top in (("delay", 3.0), ("late", 5.0)):
            if not 0 <= getattr(self, key) <= top:
                raise ConfigError(
                    f"--shape {key}={getattr(self, key)} : attendu un nombre de secondes entre 0 et {top:g}."
                )
        if not self.words.strip() or "," in self.words or "<" in self.words:
            raise ConfigError("--shape words=… : attendu un libellé court, sans virgule ni chevron.")

    # text form ----------------------------------------------------------------------
    def format(self) -> str:
        if self.base:
            return self.base
        default = Shape()
        parts = [
            f"{f.name}={_text(getattr(self, f.name))}"
            for f in fields(self)
            if f.name != "base" and getattr(self, f.name) != getattr(default, f.name)
        ]
        return ",".join(parts) or "sandbox"

    @staticmethod
    def parse(text: str) -> "Shape":
        parts = [p.strip() for p in (text or "").split(",") if p.strip()]
        shape = Shape()
        if parts and "=" not in parts[0]:
            shape = named(parts.pop(0))
        known = {f.name: f.type for f in fields(Shape) if f.name != "base"}
        changes = {}
        for part in parts:
            key, _, value = part.partition("=")
            key, value = key.strip(), value.strip()
            if "=" not in part or key not in known:
                raise ConfigError(f"--shape « {part} » : attendu clé=valeur, clés possibles : {', '.join(known)}.")
            changes[key] = _number(key, value) if key in ("delay", "late") else value
        if changes and shape.base:
            raise ConfigError(
                f"--shape {shape.base} : ce style d'origine n'a pas de réglages ; partez de « sandbox » ou « field »."
            )
        return replace(shape, **changes)

    # drawing --------------------------------------------------------------------------
    @staticmethod
    def draw(rng: random.Random) -> "Shape":
        """One point of the space (headless browsers always accepted: that fault has its own tests)."""
        picks = {key: rng.choice(values) for key, values in CHOICES.items()}
        return Shape(
            **picks,
            words=rng.choice(ENTRY_WORDS),
            delay=rng.choice(DELAYS),
            late=rng.choice(LATE),
            cookies=rng.choice(YES_NO),
            modal=rng.choice(YES_NO),
        )


# The real portal as the field's scripts saw it in 2025: the login at /fr/authentification
# (home offers no known way in), « S'authentifier avec OTP » a `btn btn-primary` <button>,
# placeholders only, in capitals, « Suivant », six tel boxes drawn about 3 s late, the code
# announced « par SMS et e-mail ».
FIELD = Shape(entry="direct", fields="caps", buttons="button", code="late", late=3.0, messages="alert")

NAMED = {"sandbox": Shape(), "field": FIELD, "classic": Shape(base="classic"), "spa": Shape(base="spa")}


def named(name: str) -> Shape:
    if name not in NAMED:
        raise ConfigError(
            f"--shape {name} : forme inconnue. Formes nommées : {', '.join(NAMED)} ; ou des réglages "
            "clé=valeur (voir damancom-bot sandbox --help)."
        )
    return NAMED[name]


def _text(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number(key: str, value: str) -> float:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise ConfigError(f"--shape {key}={value} : attendu un nombre de secondes.") from None
