"""A run's progress as the dashboard shows it: the steps of its audit folder's manifest, and the
hand-over it waits for (the dropbox's waiting file), with the SMS code's remaining validity."""

from __future__ import annotations

import json
from pathlib import Path

from bot.handover import dropbox
from bot.output.french import for_person as plain
from bot.output.playwright_fr import network_in_words
from bot.system import state_paths
from bot.system.files import safe_name

MANIFEST_LIMIT = 256 * 1024  # a run's manifest is a few kilobytes: beyond, only its first and latest lines
CODE_VALIDITY = dropbox.CODE_TTL  # the portal's SMS codes die after about 5 minutes

PHASE_FR = {
    "ready": "attend votre confirmation avant d'envoyer le SMS",
    "code": "attend le code reçu par SMS",
    "question": "attend votre réponse à une question du portail",
}

_STEP_FR = {
    "debut": "Début",
    "fin": "Fin",
    "accueil": "Page d'accueil du portail",
    "choix-connexion": "Choix « OTP »",
    "identifiant": "Identifiant saisi",
    "identifiant-refuse": "Identifiant refusé",
    "code-demande": "SMS envoyé par le portail",
    "code-saisi": "Code et mot de passe saisis",
    "code-refuse": "Code refusé par le portail",
    "code-renvoye": "Nouveau code demandé",
    "espace-affilie": "Espace affilié atteint",
    "deconnexion": "Déconnexion",
    "question-portail": "Question du portail",
    "eid-code-qr": "Code QR e-ID",
    "eid-non-approuve": "e-ID non approuvée",
    "fichier-choisi": "Fichier choisi",
    "fichier-refuse": "Fichier refusé par le portail",
    "confirmation": "Totaux affichés par le portail",
    "non-validee": "Déclaration non validée",
    "declaration-deposee": "Déclaration déposée",
    "accuse-de-reception": "Accusé de réception",
    "accuse-de-reception-html": "Accusé de réception enregistré",
    "tentative-terminee": "Essai terminé",
    "entree": "Entrée sur le portail",
    "annonce-fermee": "Annonce fermée",
    "annonce": "Annonce du portail",
    "portail-indisponible": "Portail indisponible",
    "portail-injoignable": "Portail injoignable",
    "duree-depassee": "Durée dépassée",
    "preetabli": "Préétabli téléchargé du portail",
    "fichier-declaration": "Fichier de déclaration gardé",
    "validation": "Validation envoyée au portail",
}


# What went wrong, whatever the outcome its line records: shown red.
FAILED_STEPS = {
    "code-refuse",
    "identifiant-refuse",
    "fichier-refuse",
    "non-validee",
    "eid-non-approuve",
    "portail-indisponible",
    "portail-injoignable",
    "duree-depassee",
    "portail-refuse",
    "portail-sans-reponse",
    "ecran-sans-reaction",
    "periode-absente",
}


def step_title(step: str) -> str:
    """The dashboard's short title, else the report's (`bot/audit/report.py`), else the name in words."""
    from bot.audit.report import FILE_TITLES, TITLES

    return (
        _STEP_FR.get(step)
        or TITLES.get(step)
        or FILE_TITLES.get(step)
        or step.replace("-", " ").replace("_", " ").capitalize()
    )


def waiting_runs(state_dir: Path) -> list[dict]:
    """Every run waiting for a person right now (a killed run's stale file does not count)."""
    root = Path(state_dir) / state_paths.HANDOVER
    runs = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        info = dropbox.read_waiting(folder) if folder.is_dir() else None
        if info:
            account = str(info.get("account") or folder.name)
            since = float(info.get("since") or 0)
            runs.append(
                {
                    "account": account,
                    "phase": info.get("phase", ""),
                    "run_id": info.get("run_id", ""),
                    "since": since,
                    "expires": since + CODE_VALIDITY if info.get("phase") == "code" else None,
                    "picture": str(info.get("picture") or ""),
                }
            )
    return runs


def audit_folder(recordings: Path, account: str, run_id: str = "", since: float = 0.0) -> Path | None:
    """The audit folder of a run: by its id when known, else the newest one begun after `since`."""
    root = Path(recordings) / safe_name(account)
    if not root.is_dir():
        return None
    if run_id:
        found = sorted(root.glob(f"*/*-{safe_name(run_id)}"))
        if found:
            return found[-1]
    candidates = [f for f in root.glob("*/*") if f.is_dir() and (f / "manifest.jsonl").exists()]
    candidates = [f for f in candidates if f.stat().st_mtime >= since - 1]
    return max(candidates, key=lambda f: f.name[:15], default=None)


def steps(folder: Path | None) -> list[dict]:
    """The manifest's lines as (number, title, outcome); unreadable lines are skipped (a run writing)."""
    if folder is None:
        return []
    lines = manifest_lines(folder)
    shown = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("step") in ("debut",) or str(record.get("step", "")).startswith("echec-"):
            continue
        step = str(record.get("step", ""))
        outcome = "echec" if step in FAILED_STEPS else record.get("outcome", "")
        message = for_person(str(record.get("message", ""))) if step == "fin" else ""
        if step == "confirmation" and isinstance(record.get("totals"), dict):
            message = totals_words(record["totals"])
        shown.append(
            {
                "step": step,
                "title": step_title(step),
                "outcome": outcome,
                "time": str(record.get("time", ""))[11:19],
                "final": step == "fin",
                "message": message,
                "totals": record.get("totals") if step == "confirmation" else None,
            }
        )
    return shown


def totals_words(totals: dict) -> str:
    """The portal's totals before validation, as the report's first page gives them."""
    from bot.output.french import money

    def amount(key: str) -> str:
        value = totals.get(key)
        return money(value) if isinstance(value, int) else "—"

    return (
        f"{totals.get('employees', '—')} salarié(s), salaires réels {amount('real')}, plafonnés "
        f"{amount('capped')}, montant à payer {amount('amount')}"
    )


def amount_due(found: list[dict]) -> str:
    """« 3 010,16 MAD », the amount the portal showed before validation; "" when it showed none."""
    from bot.output.french import money

    for step in reversed(found):
        if step.get("totals") and isinstance(step["totals"].get("amount"), int):
            return money(step["totals"]["amount"])
    return ""


def refusals(found: list[dict]) -> int:
    """How many codes the portal refused in this run (from its steps)."""
    return sum(1 for s in found if s["step"] == "code-refuse")


def for_person(message: str) -> str:
    """A run's sentence as the page shows it: no variable names (the console's own rule, `bot/output/french.py`),
    and the browser's network errors (« Page.goto: net::ERR_CONNECTION_REFUSED at … ») in words."""
    from bot.settings import table

    return network_in_words(plain(message, table.person_words(page=True)))


def manifest_lines(folder: Path) -> list[str]:
    """The manifest's lines, read with a bound (a huge file, or a link to a device, must never stop
    the page): a regular file only, and past MANIFEST_LIMIT its first line and its latest ones."""
    path = Path(folder) / "manifest.jsonl"
    try:
        if not path.is_file():
            return []
        with open(path, "rb") as handle:
            data = handle.read(MANIFEST_LIMIT + 1)
            if len(data) > MANIFEST_LIMIT:
                first = data.split(b"\n", 1)[0]
                handle.seek(-(MANIFEST_LIMIT // 2), 2)
                data = first + b"\n" + handle.read(MANIFEST_LIMIT // 2).split(b"\n", 1)[-1]
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()
