"""`audit verify`: recomputes every hash and the chain; says in French what changed."""

from __future__ import annotations

import json
from pathlib import Path

from bot.audit.manifest import GENESIS, NAME, read_lines, sha256_file, sha256_text

# Files a run may leave that the manifest does not list (none today; kept explicit on purpose).
# A PDF printed after the run (`report --pdf`) only renders report.html, which the manifest covers.
UNLISTED_OK: set[str] = {"report.pdf"}


def verify(folder: Path) -> list[str]:
    """Problems found, in French; an empty list means the folder is intact."""
    folder = Path(folder)
    if not (folder / NAME).is_file():
        return [f"Aucun manifeste ({NAME}) dans {folder} : ce n'est pas un dossier d'exécution, ou il a été supprimé."]
    problems: list[str] = []
    listed: set[str] = {NAME}
    prev = GENESIS
    lines = read_lines(folder)
    expected_seq = 1
    for number, line in enumerate(lines, start=1):
        record = _parse(line)
        if record is None:
            problems.append(f"Ligne {number} du manifeste illisible (modifiée).")
            prev = sha256_text(line)
            continue
        if record.get("seq") != expected_seq:
            problems.append(f"Ligne {number} du manifeste déplacée : on attendait l'étape n° {expected_seq}, "
                            f"on trouve la n° {record.get('seq')}.")
        elif record.get("prev") != prev:
            problems.append(f"Ligne {number} du manifeste : la chaîne d'empreintes est rompue (ligne modifiée, "
                            "ou ligne précédente modifiée ou supprimée).")
        expected_seq = (record.get("seq") if isinstance(record.get("seq"), int) else expected_seq) + 1
        prev = sha256_text(line)
        files = {record["file"]: record.get("sha256")} if record.get("file") else {}
        files.update(record.get("reports") or {})
        for name, digest in files.items():
            listed.add(name)
            path = folder / name
            if not path.is_file():
                problems.append(f"Fichier manquant : {name} (étape « {record.get('step')} »).")
            elif sha256_file(path) != digest:
                problems.append(f"Fichier modifié : {name} (son empreinte ne correspond plus au manifeste).")
    last = _parse(lines[-1]) if lines else None
    if last is None or last.get("step") != "fin":
        problems.append("Le manifeste ne se termine pas par la ligne de fin : exécution interrompue, ou fin supprimée.")
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in listed and name not in UNLISTED_OK:
            problems.append(f"Fichier ajouté : {name} (absent du manifeste).")
    return problems


def _parse(line: str) -> dict | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
