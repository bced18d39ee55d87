"""`audit verify`: recomputes every hash and the chain, checks that the folder is the run it says it
is (run id, account, period, against its place and the ledger), and checks the RFC 3161 timestamp
of the final line. Says in French what changed, and what could not be checked.

What the chain alone proves is limited: whoever holds the folder can rewrite it and recompute
every hash. Only the timestamp (signed elsewhere) and the ledger (kept elsewhere) make a rewrite
show; `Verdict.notes` says which of them this verification could rely on.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.audit.manifest import GENESIS, NAME, sha256_file, sha256_text
from bot.system import state_paths
from bot.system.files import safe_name

TIMESTAMP_NAME = "manifest.tsr"  # RFC 3161 answer for the final line's hash, beside the manifest
# Files beside the manifest that it cannot list (they are made after its last line).
# A PDF printed after the run (`report --pdf`) only renders report.html, which the manifest covers.
UNLISTED_OK: set[str] = {TIMESTAMP_NAME, "report.pdf"}
TIMESTAMP_STEP = "horodatage"  # the line written after « fin » when no timestamp could be had
FIN_TO_STAMP = timedelta(minutes=2)  # a run asks for its stamp right after its last line (10 s timeout)
_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])|diagnostic")


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what this verification could and could not rely on


def verify(folder: Path, **options) -> list[str]:
    """Problems found, in French; an empty list means nothing inconsistent was found."""
    return examine(folder, **options).problems


def examine(folder: Path, *, ledger_dir: Path | None = None, trusted: list | None = None) -> Verdict:
    folder = Path(folder)
    verdict = Verdict()
    problems = verdict.problems
    try:
        raw = (folder / NAME).read_bytes()
    except OSError:
        problems.append(
            f"Aucun manifeste ({NAME}) lisible dans {folder} : ce n'est pas un dossier d'exécution, "
            "ou il a été supprimé."
        )
        return verdict
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        problems.append("Manifeste illisible : ce n'est pas du texte UTF-8 (modifié ou endommagé).")
        return verdict
    records = _chain(folder, lines, problems)
    if not records:
        problems.append("Manifeste vide ou entièrement illisible.")
        return verdict
    fin = _ending(records, problems)
    _identity(folder, records, problems, verdict.notes)
    _times(records, problems)
    entry = None
    if ledger_dir is not None:
        _ledger(folder, records, fin, Path(ledger_dir), problems, verdict.notes)
        entry = _journal(folder, records, fin, Path(ledger_dir), problems, verdict.notes)
    else:
        verdict.notes.append(_UNJOURNALED)
    _timestamp(folder, records, fin, lines, problems, verdict.notes, trusted)
    _printed_report(folder, records, fin, entry, problems, verdict.notes)
    return verdict


_UNJOURNALED = (
    "Journal des exécutions non consulté : un dossier entièrement réécrit, horodatage supprimé, ne se verrait pas."
)


def _journal(folder: Path, records: list[dict], fin: dict | None, state: Path, problems: list[str], notes: list[str]):
    """What this computer noted when the run wrote the folder: a rewrite, or a stamp deleted, shows."""
    from bot.audit import journal

    if not journal.exists(state):
        notes.append(_UNJOURNALED.replace("non consulté", "absent"))
        return None
    try:
        entry = journal.read(state, folder.name)
    except sqlite3.Error:
        problems.append(f"Journal des exécutions {state / journal.FILE} illisible : comparaison impossible.")
        return None
    if entry is None:
        notes.append(
            "Exécution inconnue du journal des exécutions de cet ordinateur (faite ailleurs, ou par une "
            "version plus ancienne du bot) : un dossier entièrement réécrit, horodatage supprimé, "
            "ne se verrait pas."
        )
        return None
    if entry.first_hash != records[0]["_hash"]:
        problems.append(
            "La première ligne du manifeste n'est plus celle que l'exécution a écrite "
            "(journal des exécutions) : manifeste réécrit."
        )
    if entry.tsa and _text(records[0].get("tsa")) != entry.tsa:
        problems.append(
            f"L'exécution a demandé un horodatage à {entry.tsa} (journal des exécutions) ; "
            "son manifeste ne le dit plus : manifeste réécrit."
        )
    if entry.final_hash is None:
        if fin is not None:
            problems.append(
                "Le journal des exécutions ne note aucune fin pour cette exécution (interrompue), "
                "son manifeste en a une : ligne de fin ajoutée."
            )
    elif fin is not None and entry.final_hash != fin["_hash"]:
        problems.append(
            "La ligne de fin du manifeste n'est plus celle que l'exécution a écrite "
            "(journal des exécutions) : manifeste réécrit."
        )
    if entry.stamped and not (folder / TIMESTAMP_NAME).exists():
        problems.append(
            f"Horodatage supprimé : le journal des exécutions note que cette exécution a été "
            f"horodatée par {entry.tsa}, mais {TIMESTAMP_NAME} est absent."
        )
    return entry


def _printed_report(
    folder: Path, records: list[dict], fin: dict | None, entry, problems: list[str], notes: list[str]
) -> None:
    """A report.pdf the manifest does not list (printed after the run) must be this run's."""
    from bot.audit.pdf_mark import read_mark
    from bot.audit.report import HTML_NAME, PDF_NAME

    pdf = folder / PDF_NAME
    listed = fin.get("reports") if fin is not None and isinstance(fin.get("reports"), dict) else {}
    if not pdf.is_file() or PDF_NAME in listed:
        return
    if entry is not None and entry.pdf_hash is not None:
        try:
            same = sha256_file(pdf) == entry.pdf_hash
        except OSError:
            same = False
        if not same:
            problems.append(
                f"{PDF_NAME} n'est pas celui imprimé pour cette exécution (journal des exécutions) : remplacé."
            )
        return
    try:
        mark = read_mark(pdf)
    except OSError:
        mark = None
    html_hash = _text(listed.get(HTML_NAME))[:16]
    if mark is None:
        problems.append(
            f"{PDF_NAME} ne dit pas de quelle exécution il est, et le manifeste ne le liste pas : "
            "il vient d'ailleurs. Retirez-le ; « damancom-bot report --pdf » réimprime celui de "
            "cette exécution."
        )
    elif mark[0] != _text(records[0].get("run_id")) or mark[1] != html_hash:
        problems.append(
            f"{PDF_NAME} est le rapport d'une autre exécution ({mark[0]}) ou d'un autre "
            f"{HTML_NAME} : il n'a pas été écrit par celle-ci."
        )
    else:
        notes.append(
            f"{PDF_NAME} imprimé après l'exécution : il dit rendre son {HTML_NAME} ; ni le manifeste "
            "ni l'horodatage ne couvrent son contenu."
        )


def _chain(folder: Path, lines: list[str], problems: list[str]) -> list[dict]:
    listed: set[str] = {NAME}
    records = []
    prev = GENESIS
    expected_seq = 1
    for number, line in enumerate(lines, start=1):
        record = _parse(line)
        if record is None:
            problems.append(f"Ligne {number} du manifeste illisible (modifiée).")
            prev = sha256_text(line)
            continue
        seq = record.get("seq")
        if seq != expected_seq:
            problems.append(
                f"Ligne {number} du manifeste déplacée : on attendait l'étape n° {expected_seq}, "
                f"on trouve la n° {json.dumps(seq)[:20]}."
            )
        elif record.get("prev") != prev:
            problems.append(
                f"Ligne {number} du manifeste : la chaîne d'empreintes est rompue (ligne modifiée, "
                "ou ligne précédente modifiée ou supprimée)."
            )
        expected_seq = (seq if isinstance(seq, int) and not isinstance(seq, bool) else expected_seq) + 1
        prev = sha256_text(line)
        record["_hash"] = prev
        records.append(record)
        for name, digest in _files_of(record, number, problems).items():
            listed.add(name)
            path = folder / name
            if not path.is_file():
                problems.append(f"Fichier manquant : {name} (étape « {_text(record.get('step'))} »).")
            elif sha256_file(path) != digest:
                problems.append(f"Fichier modifié : {name} (son empreinte ne correspond plus au manifeste).")
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in listed and name not in UNLISTED_OK:
            problems.append(f"Fichier ajouté : {name} (absent du manifeste).")
    return records


def _files_of(record: dict, number: int, problems: list[str]) -> dict[str, str]:
    files = []
    if record.get("file") is not None:
        files.append((record.get("file"), record.get("sha256")))
    reports = record.get("reports") or {}
    if isinstance(reports, dict):
        files.extend(reports.items())
    else:
        problems.append(f"Ligne {number} du manifeste : liste des rapports illisible (modifiée).")
    clean = {}
    for name, digest in files:
        # A plain name in this folder: a forged line must not make verify read (and vouch for) other files.
        if (
            not isinstance(name, str)
            or not isinstance(digest, str)
            or not name
            or "/" in name
            or "\\" in name
            or name in (".", "..")
            or name == NAME
        ):
            problems.append(f"Ligne {number} du manifeste : nom de fichier ou empreinte invalide (modifiée).")
            continue
        clean[name] = digest
    return clean


def _ending(records: list[dict], problems: list[str]) -> dict | None:
    """The « fin » line; it may be followed only by the line saying no timestamp could be had."""
    tail = records[-2:] if records[-1].get("step") == TIMESTAMP_STEP else records[-1:]
    if tail[0].get("step") != "fin":
        problems.append("Le manifeste ne se termine pas par la ligne de fin : exécution interrompue, ou fin supprimée.")
        return None
    if sum(1 for r in records if r.get("step") == "fin") > 1:
        problems.append("Le manifeste contient plusieurs lignes de fin (ligne ajoutée).")
    return tail[0]


def _identity(folder: Path, records: list[dict], problems: list[str], notes: list[str]) -> None:
    """The folder's name and place say which run it is; the first line says it too: they must agree."""
    first = records[0]
    run_id, account, period = (_text(first.get(k)) for k in ("run_id", "account", "period"))
    if first.get("step") != "debut" or not run_id or not account or not period:
        problems.append("La première ligne du manifeste ne dit pas quelle exécution c'est (numéro, compte, période).")
        return
    if not folder.name.endswith(f"-{run_id}"):
        problems.append(
            f"Le dossier « {folder.name} » ne correspond pas à l'exécution {run_id} de son manifeste "
            "(dossiers échangés ou renommés)."
        )
    started = _when(first.get("time"))
    stamp = folder.name[: -len(run_id) - 1] if folder.name.endswith(f"-{run_id}") else ""
    try:
        named = datetime.strptime(stamp, "%Y%m%d-%H%M%S")
    except ValueError:
        named = None
    if (
        named is None
        or started is None
        or not timedelta(0) <= started.replace(tzinfo=None) - named <= timedelta(seconds=5)
    ):
        problems.append(
            "L'heure du nom du dossier ne correspond pas à l'heure de début du manifeste "
            "(dossier renommé, ou heures modifiées)."
        )
    if _PERIOD.fullmatch(folder.parent.name):  # inside recordings/<account>/<period>/
        if folder.parent.name != period:
            problems.append(
                f"Le dossier est rangé sous la période {folder.parent.name}, mais son manifeste est celui "
                f"de la période {period} (dossier déplacé)."
            )
        if folder.parent.parent.name != safe_name(account):
            problems.append(
                f"Le dossier est rangé sous le compte {folder.parent.parent.name}, mais son manifeste est "
                f"celui du compte {account} (dossier déplacé)."
            )
    else:
        notes.append("Emplacement non vérifié : le dossier a été copié hors de recordings/<compte>/<période>/.")


def _times(records: list[dict], problems: list[str]) -> None:
    times = [_when(r.get("time")) for r in records]
    if any(t is None for t in times):
        problems.append("Heure illisible dans le manifeste (ligne modifiée).")
        return
    if any(later < earlier for earlier, later in zip(times, times[1:])):
        problems.append("Les heures du manifeste ne se suivent pas (lignes ou heures modifiées).")


def _ledger(
    folder: Path, records: list[dict], fin: dict | None, state: Path, problems: list[str], notes: list[str]
) -> None:
    """The ledger (state dir) records each scheduled attempt's folder, outcome and the receipt reference."""
    path = state / state_paths.LEDGER
    if not path.is_file():
        notes.append("Registre absent : non comparé.")
        return
    first = records[0]
    try:
        with sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True) as db:
            attempts = [
                row
                for row in db.execute("SELECT account, period, exit_code, audit_folder FROM attempts")
                if row[3] and Path(row[3]).name == folder.name
            ]
            receipts = {(a, p): r for a, p, r in db.execute("SELECT account, period, receipt FROM periods")}
    except sqlite3.Error:
        problems.append(f"Registre {path} illisible : comparaison impossible.")
        return
    for account, period, exit_code, _ in attempts:
        if (account, period) != (first.get("account"), first.get("period")):
            problems.append(
                f"Le registre range cette exécution sous {account} / {period}, son manifeste sous "
                f"{_text(first.get('account'))} / {_text(first.get('period'))}."
            )
        if fin is not None and exit_code is not None and exit_code != fin.get("exit_code"):
            problems.append(
                f"Le registre note le code de sortie {exit_code} pour cette exécution, son manifeste "
                f"{_text(fin.get('exit_code'))} (résultat modifié)."
            )
    if not attempts:
        notes.append("Exécution absente du registre (lancée à la main) : résultat non comparé.")
    claimed = [r.get("reference") for r in records if r.get("reference")]
    if claimed:
        kept = receipts.get((first.get("account"), first.get("period")))
        if kept != claimed[-1]:
            problems.append(
                f"Accusé de réception {_text(claimed[-1])} dans le manifeste, "
                f"{kept or 'aucun'} dans le registre pour cette période."
            )


def _timestamp(
    folder: Path,
    records: list[dict],
    fin: dict | None,
    lines: list[str],
    problems: list[str],
    notes: list[str],
    trusted,
) -> None:
    from bot.audit import timestamp

    token_path = folder / TIMESTAMP_NAME
    asked = _text(records[0].get("tsa"))
    if not token_path.exists():
        last = records[-1]
        if last.get("step") == TIMESTAMP_STEP:
            notes.append(
                f"Sans horodatage : l'autorité ({_text(last.get('tsa'))}) était injoignable. Rien ne prouve "
                "la date ni l'absence de réécriture complète du dossier."
            )
        elif asked:
            problems.append(f"Horodatage manquant ({TIMESTAMP_NAME}) alors qu'il a été demandé à {asked} (supprimé ?).")
        else:
            notes.append(
                "Sans horodatage (bac à sable ou désactivé) : seule la cohérence interne est vérifiée ; "
                "un dossier entièrement réécrit ne se verrait pas."
            )
        return
    if fin is None:
        return
    try:
        stamp = timestamp.check(token_path.read_bytes(), bytes.fromhex(fin["_hash"]), trusted=trusted)
    except timestamp.TimestampInvalid as exc:
        problems.append(f"Horodatage invalide : {exc}")
        return
    ended = _when(fin.get("time"))
    if ended is not None and not timedelta(0) <= stamp.time - ended <= FIN_TO_STAMP:
        problems.append(
            f"L'horodatage date du {stamp.shown_time}, la fin du manifeste de {ended:%d/%m/%Y %H:%M:%S} : "
            "les heures du manifeste ont été modifiées."
        )
    if trusted and not stamp.trusted:
        problems.append(f"Horodatage signé par une autorité autre que celle de DAMANCOM_TSA_CERT : {stamp.authority}.")
    notes.append(
        f"Horodaté le {stamp.shown_time} par {stamp.authority}"
        + (
            " (autorité reconnue)."
            if stamp.trusted
            else " : vérifiez que cette autorité est bien celle configurée (DAMANCOM_TSA_CERT)."
        )
    )


def _when(value) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)[:40]


def _parse(line: str) -> dict | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
