"""Several accounts at a glance: each account's latest run for a period, and `report --all`'s
summary page (`recordings/resume-<period>.html`) linking to every account's own report."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from bot.audit.report import HTML_NAME, PDF_NAME, when_fr
from bot.exit_codes import title
from bot.output.french import period as period_words
from bot.system.files import safe_name


def outcome_fr(code: int | None) -> str:
    return "Aucune exécution (ou interrompue avant sa fin)" if code is None else title(code)


def latest_run(recordings: Path, account: str, period: str, kind: str | None = None) -> Path | None:
    """The account's most recent run folder for the period (any period when empty); `kind`
    (« connexion », « declaration ») keeps the runs of that command only."""
    from bot.audit.retention import run_folders

    root = Path(recordings) / safe_name(account)
    root = root / period if period else root
    runs = [r for r in run_folders(root) if r.started is not None] if root.is_dir() else []
    if kind:
        runs = [r for r in runs if _kind(r.path) == kind]
    return max(runs, key=lambda r: r.started).path if runs else None


def newest_first(recordings: Path, account: str) -> list[Path]:
    """The account's run folders, any period, the newest first by their names (« AAAAMMJJ-HHMMSS-… »),
    no manifest read: `status` lists fifty employers without opening every run of every month."""
    root = Path(recordings) / safe_name(account)
    found = [m.parent for m in root.glob("*/*/manifest.jsonl")] if root.is_dir() else []
    return sorted(found, key=lambda f: (f.name[:15], f.name), reverse=True)


def _kind(folder: Path) -> str:
    from bot.audit.manifest import read_records
    from bot.audit.report import kind_of

    try:
        return kind_of(read_records(folder))
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ""


@dataclass
class Line:
    account: str
    identifier: str
    folder: Path | None
    code: int | None
    message: str
    started: str


def line_of(recordings: Path, account: str, identifier: str, period: str, kind: str | None = None) -> Line:
    from bot.audit.manifest import read_records

    folder = latest_run(recordings, account, period, kind)
    code, message, started = None, "", ""
    if folder is not None:
        try:
            records = read_records(folder)
            started = when_fr(str(records[0].get("time", "")))
            last = records[-1]
            if last.get("step") == "fin":
                code, message = int(last.get("exit_code", 1)), str(last.get("message", ""))
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            message = "manifeste illisible"
    return Line(account, identifier, folder, code, message, started)


def write_summary(recordings: Path, period: str, filings: list[Line], logins: list[Line]) -> Path:
    """One self-contained page; links are relative, so the recordings folder can be copied whole.
    Filings and logins apart: a login is not a filing, its success files nothing."""
    from bot.system.files import private_dir, private_opener

    root = Path(recordings)
    filed = sum(1 for line in filings if line.code == 0)
    shown = period_words(period)
    page = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Résumé {escape(period)} - damancom-bot</title><style>
body{{font-family:Arial,Helvetica,sans-serif;color:#1d2733;margin:24px}} table{{border-collapse:collapse}}
td,th{{border-bottom:1px solid #ccd5df;padding:6px 10px;text-align:left}} .ok td:nth-child(3){{color:#1c7a33}}
.echec td:nth-child(3){{color:#a3251a}} .vide td:nth-child(3){{color:#5b6b7b}}</style></head><body>
<h1>Période {escape(shown)} ({escape(period)}) : {filed} déclaration(s) déposée(s) sur {len(filings)} compte(s)</h1>
<h2>Dépôts (damancom-bot declare)</h2>
{_table(root, filings, "Aucun dépôt lancé pour cette période (ou arrêté avant la connexion)")}
<h2>Connexions (damancom-bot login) : elles ne déposent rien</h2>
{_table(root, logins, "Aucune connexion pour cette période")}
</body></html>
"""
    target = root / f"resume-{safe_name(period, 'periode')}.html"
    private_dir(root)
    with open(target, "w", encoding="utf-8", opener=private_opener) as handle:
        handle.write(page)
    return target


def _table(root: Path, lines: list[Line], nothing: str) -> str:
    rows = []
    for line in lines:
        links = []
        if line.folder is not None:
            for name, label in ((HTML_NAME, "rapport"), (PDF_NAME, "PDF")):
                if (line.folder / name).is_file():
                    links.append(f'<a href="{escape((line.folder / name).relative_to(root).as_posix())}">{label}</a>')
            links.append(f'<a href="{escape(line.folder.relative_to(root).as_posix())}/">dossier</a>')
        css = "ok" if line.code == 0 else ("vide" if line.code is None else "echec")
        result = nothing if line.folder is None else outcome_fr(line.code)
        rows.append(
            f"<tr class='{css}'><td>{escape(line.account)}</td><td>{escape(line.identifier)}</td>"
            f"<td>{escape(result)}</td><td>{escape(line.message)}</td>"
            f"<td>{escape(line.started or '—')}</td><td>{' · '.join(links) or '—'}</td></tr>"
        )
    return (
        "<table><tr><th>Compte</th><th>Identifiant</th><th>Résultat</th><th>Message</th><th>Début</th>"
        f"<th>Rapport</th></tr>{''.join(rows)}</table>"
    )


def summary_page(environ, recordings: Path, period: str | None) -> Path:
    """`report --all --period P`: every configured account's latest run for P on one page."""
    from bot.errors import BadInput
    from bot.settings.accounts import all_accounts
    from bot.system.clock import checked_period

    if not period:
        raise BadInput("report --all demande la période : damancom-bot report --all --period AAAA-MM.")
    checked_period(period, required=True)
    every = all_accounts(environ)
    if not every:
        raise BadInput("Aucun compte configuré : créez le fichier des comptes (comptes.toml, ou DAMANCOM_ACCOUNTS).")
    return write_summary(
        recordings,
        period,
        [line_of(recordings, a.name, a.identifier, period, "declaration") for a in every],
        [line_of(recordings, a.name, a.identifier, period, "connexion") for a in every],
    )
