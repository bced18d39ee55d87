"""The run's report in French: `report.html` (self-contained, offline) and `report.pdf`, printed
by the same Chromium. Built from the manifest, so it shows exactly what the chain proves.

Page 1 is what a pharmacist files away (filed or not, period, time, receipt, totals, who handed the
code); then the steps, numbered from 1, two screenshots a row; then an appendix with the raw e-BDS
records and every file's hash.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from bot.audit.manifest import read_records
from bot.audit.pdf_mark import title_for
from bot.exit_codes import title as outcome_title
from bot.output.french import channel_fr, money
from bot.output.french import period as period_words
from bot.system import clock

HTML_NAME, PDF_NAME = "report.html", "report.pdf"
# A step's title as the person reads it; unknown steps show their name, capitalised.
TITLES = {
    "accueil": "Page d'accueil du portail",
    "annonce": "Annonce du portail",
    "annonce-fermee": "Annonce fermée",
    "entree": "Accès à l'espace (« Mon compte »)",
    "choix-connexion": "Choix du mode de connexion",
    "identifiant": "Identifiant saisi",
    "question-portail": "Question posée par le portail",
    "code-demande": "Code SMS envoyé par le portail",
    "code-saisi": "Code et mot de passe saisis (masqués)",
    "code-renvoye": "Nouveau code demandé",
    "code-refuse": "Code refusé par le portail",
    "identifiant-refuse": "Identifiant refusé",
    "eid-code-qr": "Code QR de l'identité numérique",
    "qr-eid": "Code QR de l'identité numérique",
    "eid-non-approuve": "Identité numérique non approuvée",
    "espace-affilie": "Espace affilié atteint",
    "etape-apprise": "Étape apprise rejouée",
    "fichier-choisi": "Fichier de déclaration choisi",
    "fichier-refuse": "Fichier refusé par le portail",
    "confirmation": "Totaux affichés par le portail avant validation",
    "declaration-deposee": "Déclaration déposée",
    "non-validee": "Déclaration non validée",
    "accuse-de-reception": "Accusé de réception du portail",
    "deconnexion": "Déconnexion",
    "periode-absente": "Période absente de l'espace affilié",
    "indisponible": "Portail indisponible",
    "portail-indisponible": "Portail indisponible",
    "portail-injoignable": "Portail injoignable",
    "portail-refuse": "Accès refusé par le portail",
    "portail-sans-reponse": "Portail sans réponse",
    "ecran-sans-reaction": "L'écran n'a pas réagi",
    "duree-depassee": "Durée maximale dépassée",
    "tentative-terminee": "Tentative terminée",
    "echec": "Écran au moment de l'échec",
}
FILE_TITLES = {
    "preetabli": "Préétabli téléchargé du portail",
    "fichier-declaration": "Fichier e-BDS déposé",
    "accuse-de-reception-html": "Accusé de réception (page du portail)",
    "echec-page-html": "Page au moment de l'échec (champs vidés)",
    "echec-console": "Erreurs de la console du navigateur",
    "trace-apres-connexion": "Trace du navigateur",
}
_STYLE = """@page{size:A4;margin:12mm 10mm}
body{font-family:Arial,Helvetica,sans-serif;color:#1d2733;margin:0;font-size:12px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:15px;margin:10px 0 6px}
.summary{break-after:page} .verdict{font-size:22px;font-weight:bold;padding:10px 14px;border-radius:6px;margin:12px 0}
.ok{color:#1c7a33} .echec{color:#a3251a} .doute{color:#8a5a00}
.verdict.ok{background:#e6f4ea;border:2px solid #1c7a33} .verdict.echec{background:#fbe9e7;border:2px solid #a3251a}
.verdict.doute{background:#fff4dc;border:2px solid #8a5a00}
table.meta{border-collapse:collapse;width:100%} table.meta td{padding:5px 8px;border-bottom:1px solid #dde3ea;
vertical-align:top} table.meta td:first-child{width:34%;color:#5b6b7b}
.money{white-space:nowrap;font-weight:bold}
.steps{display:grid;grid-template-columns:1fr 1fr;gap:8px 10px}
.step{break-inside:avoid;border:1px solid #ccd5df;border-radius:4px;padding:4px}
.step.wide{grid-column:1 / span 2}
.step img{display:block;width:100%;max-height:52mm;object-fit:contain;object-position:top left;margin-top:4px}
.step.wide img{max-height:200mm}
.small{color:#5b6b7b;font-size:10px;word-break:break-all}
.appendix{break-before:page} .records{font-family:monospace;font-size:8px;background:#f4f6f9;padding:6px}
.records div{white-space:pre-wrap;overflow-wrap:anywhere;padding-left:3em;text-indent:-3em}
table.files{border-collapse:collapse;width:100%;font-size:9px} table.files td{padding:1px 6px;
border-bottom:1px solid #dde3ea;vertical-align:top} .hash{font-family:monospace;font-size:7.5px;white-space:nowrap}"""


@dataclass
class Facts:
    """What the manifest says about the run, for the first page."""

    account: str = ""
    period: str = ""
    run_id: str = ""
    kind: str = ""
    started: str = ""
    ended: str = ""
    code: int | None = None
    message: str = ""
    receipt: str = ""
    totals: dict = field(default_factory=dict)
    handed: str = ""
    employer: str = ""
    affiliation: str = ""
    validated: bool = False
    portal: str = ""
    period_state: str = ""  # as the portal listed the period: « declared », « to_declare », « absent »
    deadline: str = ""  # the period's deadline by the plan's rules (ISO)


def when_fr(iso: str | None) -> str:
    try:
        moment = datetime.fromisoformat(iso).astimezone(clock.TZ)
    except (TypeError, ValueError):
        return iso or "—"
    return moment.strftime("%d/%m/%Y à %H:%M:%S (heure du Maroc)")


def _time(iso: str | None) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(clock.TZ).strftime("%H:%M:%S")
    except (TypeError, ValueError):
        return ""


def facts(records: list[dict], outcome: tuple[int, str] | None = None, ended: datetime | None = None) -> Facts:
    start = records[0]
    found = Facts(
        account=start.get("account", ""),
        period=start.get("period", ""),
        run_id=start.get("run_id", ""),
        started=start.get("time", ""),
        deadline=str(start.get("deadline", "")),
    )
    steps = {r.get("step") for r in records}
    found.kind = kind_of(records)
    for record in records:
        step = record.get("step")
        if step == "accuse-de-reception-html" and record.get("reference"):
            found.receipt = str(record["reference"])
        elif step == "confirmation" and isinstance(record.get("totals"), dict):
            found.totals = record["totals"]
        elif step == "code-remis":
            found.handed = channel_fr(str(record.get("via", "")))
        elif step == "espace-lu":
            found.employer, found.affiliation = record.get("employer", ""), record.get("affiliation", "")
            found.period_state = str(record.get("state", ""))
        elif step == "validation":
            found.validated = True
        elif step == "fin":
            found.code, found.message = record.get("exit_code"), record.get("message", "")
            found.ended = record.get("finished") or record.get("time", "")
        if not found.portal and record.get("url"):
            found.portal = urlsplit(record["url"]).hostname or ""
    if "eid-code-qr" in steps or "qr-eid" in steps:
        found.handed = found.handed or "approbation dans l'application « Identité Numérique » (e-ID)"
    if found.code is None and outcome is not None:
        found.code, found.message = int(outcome[0]), outcome[1]
        found.ended = (ended or clock.now()).isoformat(timespec="seconds")
    return found


def kind_of(records: list[dict]) -> str:
    """« connexion » or « declaration »: what the run was for (a login is not a filing)."""
    kind = records[0].get("kind", "") if records else ""
    if kind:
        return kind
    steps = {r.get("step") for r in records}  # folders written before `kind` existed
    return "declaration" if steps & {"preetabli", "confirmation", "accuse-de-reception-html"} else "connexion"


def verdict(found: Facts) -> tuple[str, str]:
    """(the sentence in large letters, its colour class)."""
    shown = period_words(found.period)
    if found.kind == "declaration":
        if found.receipt and "amount" in found.totals:
            return f"Déclaration {shown} : DÉPOSÉE", "ok"
        if found.receipt:
            return f"Déclaration {shown} : DÉJÀ DÉPOSÉE (accusé de réception récupéré)", "ok"
        if found.validated:
            return (
                f"Déclaration {shown} : DÉPÔT INCERTAIN (validation envoyée, accusé non lu). Vérifiez sur "
                "le portail avant tout nouvel essai",
                "doute",
            )
        return f"Déclaration {shown} : NON DÉPOSÉE", "echec"
    if found.code is None:
        return "Exécution interrompue avant sa fin", "echec"
    if found.code == 0 and found.period_state == "to_declare":
        return (
            f"Connexion réussie : aucune déclaration déposée par ce passage ; celle de {shown} reste à faire"
            f"{_by(found.deadline)}",
            "doute",
        )
    if found.code == 0:
        return "Connexion réussie : aucune déclaration n'a été déposée par ce passage", "ok"
    return "Connexion échouée : aucune déclaration n'a été déposée", "echec"


def _by(deadline: str) -> str:
    try:
        moment = datetime.fromisoformat(deadline).astimezone(clock.TZ)
    except (TypeError, ValueError):
        return ""
    return moment.strftime(" avant le %d/%m/%Y à %H:%M (heure du Maroc)")


_STATE_FR = {"declared": "« Déclarée » sur le portail : déjà déposée", "absent": "absente de l'espace affilié"}


def _to_file(found: Facts) -> str:
    """The period's state on the portal, for a login: a pharmacist reads what is left to do, and by when."""
    if found.period_state == "to_declare":
        return f"<b>« À déclarer » sur le portail : à déposer{escape(_by(found.deadline))}</b>"
    return escape(_STATE_FR.get(found.period_state, ""))


def _portal(host: str) -> str:
    if host in ("127.0.0.1", "localhost", "::1"):
        return "portail d'essai local (bac à sable), pas le vrai Damancom"
    return host or "—"


def _summary(found: Facts, folder: Path) -> str:
    text, css = verdict(found)
    result = outcome_title(found.code) if found.code is not None else "Inachevée"
    rows = [
        (
            "Compte",
            f"<b>{escape(found.account)}</b>"
            + (f" — {escape(found.employer)}" if found.employer else "")
            + (f" (n° d'affiliation {escape(found.affiliation)})" if found.affiliation else ""),
        ),
        (
            "Période déclarée" if found.kind == "declaration" else "Période",
            f"<b>{escape(period_words(found.period))}</b> ({escape(found.period)})",
        ),
        ("Début", when_fr(found.started)),
        ("Fin", when_fr(found.ended) if found.ended else "—"),
    ]
    if found.kind != "declaration" and _to_file(found):
        rows.append(("Déclaration de la période", _to_file(found)))
    if found.kind == "declaration" or found.receipt:
        rows.append(("N° d'accusé de réception", f"<b>{escape(found.receipt)}</b>" if found.receipt else "aucun"))
    if found.totals:
        t = found.totals
        rows += [
            ("Salariés déclarés", escape(str(t.get("employees", "—")))),
            ("Total des salaires réels", f'<span class="money">{money(t.get("real"))}</span>'),
            ("Total des salaires plafonnés", f'<span class="money">{money(t.get("capped"))}</span>'),
            ("Montant à payer", f'<span class="money">{money(t.get("amount"))}</span>'),
        ]
    rows += [
        ("Code SMS remis", escape(found.handed) if found.handed else "aucun code remis"),
        ("Portail", escape(_portal(found.portal))),
        (
            "Résultat",
            f'<span class="{"ok" if found.code == 0 else "echec"}">{escape(result)}</span>'
            + (f" — {escape(found.message)}" if found.message else ""),
        ),
    ]
    pay = (
        f'<p>Le bot ne paie jamais : faites vous-même le télépaiement de <span class="money">'
        f"{money(found.totals['amount'])}</span> sur Damancom.</p>"
        if found.receipt and found.totals
        else ""
    )
    table = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    return f"""<section class="summary">
<h1>Déclaration CNSS — rapport d'exécution de damancom-bot</h1>
<div class="verdict {css}">{escape(text)}</div>
<table class="meta">{table}</table>
{pay}
<p class="small">Identifiant d'exécution {escape(found.run_id)} — dossier {escape(folder.name)}. Les champs du mot de
passe et du code sont masqués sur toutes les captures ; ni l'un ni l'autre n'est écrit dans ce rapport.</p>
</section>"""


def _title(step: str) -> str:
    if step in TITLES:
        return TITLES[step]
    if step.startswith("echec"):
        return "Écran au moment de l'échec"
    return step.replace("-", " ").capitalize()


def _steps(records: list[dict], folder: Path) -> str:
    cards, number = [], 0
    for record in records:
        name = record.get("file", "")
        path = folder / name if name else None
        if not (path and path.suffix == ".png" and path.exists()):
            continue
        number += 1
        step = record.get("step", "")
        data = base64.b64encode(path.read_bytes()).decode()
        failed = record.get("outcome") not in (None, "ok")
        wide = " wide" if step == "accuse-de-reception" else ""  # the receipt as the portal showed it, full width
        cards.append(
            f'<div class="step{wide}"><b>Étape {number} — {escape(_title(step))}</b>'
            f"{' <span class=echec>(échec)</span>' if failed else ''} "
            f'<span class="small">{_time(record.get("time"))}</span>'
            f'<img alt="{escape(_title(step))}" src="data:image/png;base64,{data}"></div>'
        )
    if not cards:
        return "<h2>Étapes</h2><p>Aucune capture d'écran : l'exécution s'est arrêtée avant d'ouvrir le portail.</p>"
    return f'<h2>Étapes</h2><div class="steps">{"".join(cards)}</div>'


def _appendix(records: list[dict], folder: Path) -> str:
    rows, raw = [], ""
    for record in records:
        name = record.get("file")
        if not name:
            continue
        title = FILE_TITLES.get(record.get("step", ""), _title(record.get("step", "")))
        rows.append(
            f"<tr><td>{record['seq']}</td><td>{escape(title)}</td><td>{escape(name)}</td>"
            f'<td class="hash">{escape(record.get("sha256", ""))}</td></tr>'
        )
        path = folder / name
        if record.get("step") == "fichier-declaration" and path.exists():
            # one record a block, wrapped at the page's edge, its continuation indented
            lines = path.read_bytes().decode("latin-1").split("\n")
            raw = "".join(
                f"<div>{escape(line.removesuffix(chr(13))) or ' '}</div>"
                for line in (lines[:-1] if lines[-1] == "" else lines)
            )
    ebds = (
        f"""<h2>Enregistrements e-BDS déposés</h2>
<p>Le contenu exact du fichier envoyé au portail, ligne par ligne. Son empreinte SHA-256 (tableau ci-dessous) le
désigne à l'octet près : un seul caractère changé donnerait une autre empreinte. Avec le préétabli téléchargé et la
capture des totaux, elle prouve que le fichier déposé est bien celui-ci. Une ligne trop longue pour la page
continue, en retrait, sur la suivante.</p><div class="records">{raw}</div>"""
        if raw
        else ""
    )
    # a login's few hashes follow its steps; a filing's records start a page of their own
    return f"""<section class="{"appendix" if raw else ""}"><h1>Annexe — pièces et empreintes</h1>{ebds}
<h2>Empreintes des pièces</h2>
<p>Chaque étape est écrite dans manifest.jsonl avec l'empreinte SHA-256 de son fichier et celle de la ligne
précédente (une chaîne) : modifier, retirer ou ajouter une pièce se voit. « damancom-bot audit verify
{escape(folder.name)} » refait ces calculs.</p>
<table class="files"><tr><td>Ligne</td><td>Pièce</td><td>Fichier</td><td>SHA-256</td></tr>{"".join(rows)}</table>
</section>"""


def build_html(folder: Path, outcome: tuple[int, str] | None = None, ended: datetime | None = None) -> str:
    """`outcome` (exit code, message) and `ended` for a run whose last manifest line is not written yet."""
    records = read_records(folder)
    found = facts(records, outcome, ended)
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Rapport damancom-bot - {escape(found.account)} - {escape(found.period)}</title>
<style>{_STYLE}</style></head><body>
{_summary(found, folder)}
{_steps(records, folder)}
{_appendix(records, folder)}
</body></html>"""


def write_reports(
    folder: Path, page, outcome: tuple[int, str] | None = None, *, pdf: bool = True, ended: datetime | None = None
) -> list[Path]:
    """Writes report.html, then (`pdf`) prints it to report.pdf in `page` (of a headless Chromium;
    the run's own page once the run is over: no new page to open). Filings keep a PDF as proof;
    a login needs none, and `report --pdf` prints one on demand."""
    html_path = folder / HTML_NAME
    html_path.write_text(build_html(folder, outcome, ended), encoding="utf-8")
    if not pdf:
        return [html_path]
    return [html_path, print_pdf(folder, page)]


def print_pdf(folder: Path, page) -> Path:
    html_path = folder / HTML_NAME
    page.goto(html_path.resolve().as_uri())
    page.evaluate("title => { document.title = title; }", title_for(folder, html_path))  # read by audit verify
    pdf_path = folder / PDF_NAME
    page.pdf(
        path=str(pdf_path),
        format="A4",
        print_background=True,
        prefer_css_page_size=True,
        margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
    )
    return pdf_path
