"""The run's report in French: `report.html` (self-contained, offline) and `report.pdf`, printed
by the same Chromium. Built from the manifest, so it shows exactly what the chain proves."""

from __future__ import annotations

import base64
from datetime import datetime
from html import escape
from pathlib import Path

from bot.audit.manifest import read_records
from bot.exit_codes import ExitCode
from bot.system import clock

HTML_NAME, PDF_NAME = "report.html", "report.pdf"
OUTCOMES = {
    ExitCode.OK: "Réussite",
    ExitCode.BUG: "Erreur inattendue du bot",
    ExitCode.BAD_INPUT: "Réglage ou saisie incorrects",
    ExitCode.NO_CODE: "Code SMS non fourni à temps",
    ExitCode.UNAVAILABLE: "Portail indisponible",
    ExitCode.REJECTED: "Refus du portail",
    ExitCode.SCREENS_CHANGED: "Écrans du portail inattendus",
}
_STYLE = """body{font-family:Arial,Helvetica,sans-serif;color:#1d2733;margin:24px}
h1{font-size:22px} table.meta td{padding:2px 12px 2px 0} .ok{color:#1c7a33} .echec{color:#a3251a}
.step{page-break-inside:avoid;border-top:1px solid #ccd5df;padding:10px 0}
.step img{max-width:100%;border:1px solid #ccd5df;margin-top:6px} .small{color:#5b6b7b;font-size:12px}
pre{white-space:pre-wrap;background:#f4f6f9;padding:8px}"""


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(clock.TZ).strftime("%d/%m/%Y %H:%M:%S (heure du Maroc, UTC%z)")
    except (TypeError, ValueError):
        return iso


def build_html(folder: Path, outcome: tuple[int, str] | None = None) -> str:
    """`outcome` (exit code, message) for a run whose last manifest line is not written yet."""
    records = read_records(folder)
    start, last = records[0], records[-1]
    if outcome is None and last.get("step") == "fin":
        outcome = (last.get("exit_code", 1), last.get("message", ""))
    code, message = outcome if outcome else (None, "Exécution interrompue avant sa fin.")
    verdict = OUTCOMES.get(code, "Inconnu") if code is not None else "Inachevée"
    css = "ok" if code == 0 else "echec"
    steps = []
    for record in records[1:]:
        if record.get("step") == "fin":
            continue
        body = ""
        name = record.get("file", "")
        path = folder / name if name else None
        if path and path.suffix == ".png" and path.exists():
            data = base64.b64encode(path.read_bytes()).decode()
            body = f'<img alt="{escape(record["step"])}" src="data:image/png;base64,{data}">'
        elif path and path.suffix in (".txt", ".html") and path.exists():
            body = f"<pre>{escape(path.read_text(encoding='utf-8')[:4000])}</pre>"
        steps.append(
            f'<div class="step"><b>{record["seq"]}. {escape(record["step"])}</b> - {_when(record["time"])} '
            f'<span class="{"ok" if record.get("outcome") == "ok" else "echec"}">{escape(record.get("outcome", ""))}</span>'
            f'<div class="small">{escape(record.get("url", ""))} {escape(name)} '
            f'{("sha256 " + record["sha256"][:16] + "…") if record.get("sha256") else ""}</div>{body}</div>')
    end = _when(last["time"]) if last.get("step") == "fin" else "—"
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Rapport damancom-bot - {escape(start.get("account", ""))} - {escape(start.get("period", ""))}</title>
<style>{_STYLE}</style></head><body>
<h1>Rapport d'exécution damancom-bot</h1>
<table class="meta">
<tr><td>Compte</td><td><b>{escape(start.get("account", ""))}</b></td></tr>
<tr><td>Période</td><td>{escape(start.get("period", ""))}</td></tr>
<tr><td>Début</td><td>{_when(start["time"])}</td></tr>
<tr><td>Fin</td><td>{end}</td></tr>
<tr><td>Résultat</td><td class="{css}"><b>{verdict}</b>{f" (code de sortie {code})" if code is not None else ""}</td></tr>
<tr><td>Message</td><td>{escape(message)}</td></tr>
<tr><td>Identifiant d'exécution</td><td>{escape(start.get("run_id", ""))}</td></tr>
</table>
<p class="small">Chaque étape est enregistrée dans manifest.jsonl avec l'empreinte SHA-256 de son fichier et
celle de la ligne précédente ; « damancom-bot audit verify {escape(folder.name)} » vérifie que rien n'a été modifié.
Les champs du mot de passe et du code sont masqués sur toutes les captures.</p>
<h2>Étapes</h2>
{"".join(steps)}
</body></html>"""


def write_reports(folder: Path, page, outcome: tuple[int, str] | None = None, *, pdf: bool = True) -> list[Path]:
    """Writes report.html, then (`pdf`) prints it to report.pdf in `page` (of a headless Chromium;
    the run's own page once the run is over: no new page to open). Filings keep a PDF as proof;
    a login needs none, and `report --pdf` prints one on demand."""
    html_path = folder / HTML_NAME
    html_path.write_text(build_html(folder, outcome), encoding="utf-8")
    if not pdf:
        return [html_path]
    return [html_path, print_pdf(folder, page)]


def print_pdf(folder: Path, page) -> Path:
    html_path = folder / HTML_NAME
    page.goto(html_path.resolve().as_uri())
    pdf_path = folder / PDF_NAME
    page.pdf(path=str(pdf_path), format="A4", print_background=True,
             margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"})
    return pdf_path
