"""The « rapport de portail »: the last snapshots of pages that surprised the bot, packed into one
zip a person can send to whoever maintains their selectors. Shown before it is written."""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bot.audit.snapshot import KIND, STEP
from bot.output.redact import scrub, scrub_markup
from bot.system.files import replace_retrying, safe_name

README = """Rapport de portail (damancom-bot)

Chaque dossier est une page du portail Damancom que le bot n'a pas comprise (écran inconnu, refus) :
- instantane.html : la page, sans scripts, sans aucune valeur saisie ni champ caché, adresses coupées
  avant leurs paramètres ; mot de passe et codes masqués ;
- instantane.json : ce que le bot a cherché sur cette page (chaque stratégie des fichiers de
  sélecteurs et combien d'éléments visibles elle a trouvés), le code de sortie et le message ;
- capture.png : la capture d'écran de la page, champs du mot de passe et du code masqués en noir.

Pour corriger un sélecteur : modifier le fichier YAML de selectors/, déposer instantane.html dans
tests/flows/snapshots/ (nommé ECRAN--description.html) et lancer
« uv run pytest tests/flows/test_snapshots.py ».
"""


@dataclass(frozen=True)
class Snapshot:
    json_path: Path
    data: dict

    @property
    def files(self) -> list[Path]:
        folder = self.json_path.parent
        names = [self.data.get("html"), self.data.get("screenshot")]
        return [self.json_path] + [folder / n for n in names if n and (folder / n).is_file()]

    def describe(self) -> str:
        message = self.data.get("message", "")
        message = message if len(message) <= 140 else message[:139] + "…"
        size = sum(p.stat().st_size for p in self.files)
        return (
            f"{self.data.get('taken', '?')} · compte {self.data.get('account', '?')} · code "
            f"{self.data.get('exit_code', '?')} · {self.data.get('url', '')}\n    {message}\n    "
            f"{', '.join(p.name for p in self.files)} ({size // 1024 + 1} Ko)"
        )


def latest(recordings: Path, count: int, account: str | None = None) -> list[Snapshot]:
    """The `count` most recent snapshots under `recordings` (one account's when given), newest first."""
    root = Path(recordings) / safe_name(account) if account else Path(recordings)
    found = []
    for path in root.rglob(f"*-{STEP}.json") if root.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("kind") == KIND:
            found.append(Snapshot(path, data))
    found.sort(key=lambda s: (s.data.get("taken", ""), str(s.json_path)), reverse=True)
    return found[:count]


def pack(snapshots: list[Snapshot], target: Path) -> Path:
    """Writes the zip (atomically: a half-written report is never left under its name)."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LISEZMOI.txt", README)
        for number, snap in enumerate(snapshots, 1):
            folder = f"{number:02d}-{safe_name(str(snap.data.get('account', 'compte')))}"
            for path in snap.files:
                archive.writestr(f"{folder}/{_member(path, snap)}", _content(path))
    replace_retrying(tmp, target)
    return target


def _member(path: Path, snap: Snapshot) -> str:
    if path == snap.json_path:
        return "instantane.json"
    return "capture.png" if path.suffix == ".png" else "instantane.html"


def _content(path: Path) -> bytes:
    """Text files masked once more (a secret registered since the snapshot was written)."""
    if path.suffix == ".png":
        return path.read_bytes()
    text = path.read_text(encoding="utf-8")
    return (scrub_markup(text) if path.suffix == ".html" else scrub(text)).encode("utf-8")
