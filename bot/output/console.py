"""What the person reads at the end of a run (French)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.env import Env
from bot.errors import ConfigError


def login_summary(env: Env, result, *, sandbox: bool) -> None:
    summary, recorder = result.summary, result.recorder
    where = "portail d'essai (bac à sable sur cet ordinateur, pas le vrai Damancom)" if sandbox else "portail Damancom"
    env.say(f"Connexion réussie au {where} : espace affilié atteint.")
    employer = summary.employer or "(raison sociale non lue)"
    affiliation = f" - n° d'affiliation {summary.affiliation}" if summary.affiliation else ""
    env.say(f"  Affilié       : {employer}{affiliation}")
    if summary.periods:
        env.say("  Déclarations  : " + " · ".join(f"{p} {state}" for p, state in summary.periods))
    env.say(f"  Captures      : {len(recorder.shots)} dans {_shown(recorder.folder)}")
    for label, name in (("Rapport      ", "report.html"), ("Rapport PDF  ", "report.pdf")):
        if (recorder.folder / name).is_file():
            env.say(f"  {label} : {_relative(recorder.folder / name)}")
    env.say(f"  Durée         : {result.seconds:.1f} s".replace(".", ","))


def on_this_computer(url: str) -> bool:
    """The sandbox runs on this computer; the real portal never does."""
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def _shown(folder: Path) -> str:
    return _relative(folder) + os.sep


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def require_display(headed: bool, environ: dict[str, str]) -> None:
    """A headed browser on a Linux machine without a screen would fail with an obscure message."""
    if headed and sys.platform.startswith("linux") and not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        raise ConfigError(
            "--headed demande un écran, et aucun n'est disponible (DISPLAY vide). "
            "Relancez sans --headed ou depuis une session graphique."
        )
