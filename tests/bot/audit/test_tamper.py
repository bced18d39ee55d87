"""`audit verify` against a dishonest holder of the folder: each way of rewriting a run, and whether
it shows. Whoever holds the folder can recompute every hash; what they cannot do is obtain an RFC
3161 timestamp for an earlier time, nor change the ledger's copy of the outcome and receipt, nor
make a folder's name and place agree with another run's manifest without rewriting it."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import pytest

from bot.audit import timestamp
from bot.audit.manifest import GENESIS, NAME, sha256_file, sha256_text
from bot.audit.recorder import Recorder
from bot.audit.verify import TIMESTAMP_NAME, TIMESTAMP_STEP, examine, verify
from bot.settings.config import DEFAULT_TSA


def place(run, root, account=None, period=None, name=None):
    """A copy of `run` at recordings/<account>/<period>/<name> under `root`."""
    target = root / (account or run.parent.parent.name) / (period or run.parent.name) / (name or run.name)
    shutil.copytree(run, target)
    return target


def records(folder):
    return [json.loads(line) for line in (folder / NAME).read_text(encoding="utf-8").splitlines()]


def rewrite(folder, change, restamp_with=None):
    """What a forger does: change the lines, recompute every file hash and the whole chain, and
    (with `restamp_with`) ask an authority for a fresh stamp of the new final line."""
    lines, prev = [], GENESIS
    for seq, record in enumerate(change(records(folder)), start=1):
        record = {k: v for k, v in record.items() if k not in ("seq", "prev")}
        if record.get("file"):
            record["sha256"] = sha256_file(folder / record["file"])
        if isinstance(record.get("reports"), dict):
            record["reports"] = {n: sha256_file(folder / n) for n in record["reports"]}
        line = json.dumps({"seq": seq, **record, "prev": prev}, ensure_ascii=False)
        lines.append(line)
        prev = sha256_text(line)
    (folder / NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    if restamp_with is not None:
        (folder / TIMESTAMP_NAME).write_bytes(timestamp.request(restamp_with, bytes.fromhex(prev)))


def edit_screenshot(folder):
    shot = sorted(folder.glob("*.png"))[1]
    data = bytearray(shot.read_bytes())
    data[len(data) // 2] ^= 0x01
    shot.write_bytes(bytes(data))


def shift_times(delta):
    def change(lines):
        for line in lines:
            for key in ("time", "finished"):
                if key in line:
                    line[key] = (datetime.fromisoformat(line[key]) + delta).isoformat(timespec="milliseconds")
        return lines

    return change


def set_outcome(code):
    def change(lines):
        lines[-1].update(exit_code=code, outcome="echec", message="Portail indisponible.")
        return lines

    return change


def test_the_stamped_run_is_intact_and_says_who_stamped_it(stamped_run, tmp_path, stamping_tsa):
    copy = place(stamped_run, tmp_path)
    verdict = examine(copy, trusted=[stamping_tsa.cert])
    assert verdict.problems == [] and any(
        "Horodaté le" in n and "TSA locale de test" in n and "reconnue" in n for n in verdict.notes
    )
    assert records(copy)[0]["tsa"] == stamping_tsa.url and (copy / TIMESTAMP_NAME).stat().st_mode & 0o077 == 0


def test_a_screenshot_edited_and_every_hash_recomputed_shows(stamped_run, tmp_path):
    copy = place(stamped_run, tmp_path)
    edit_screenshot(copy)
    rewrite(copy, lambda lines: lines)
    assert any("autre empreinte" in p for p in verify(copy))


@pytest.mark.parametrize(
    "change",
    [
        set_outcome(4),
        lambda lines: lines[:2] + lines[-1:],
        lambda lines: lines[:-1] + [{**lines[-1], "message": "Faux"}],
    ],
    ids=["outcome-rewritten", "steps-removed", "final-line-forged"],
)
def test_a_rewritten_manifest_shows_against_its_timestamp(stamped_run, tmp_path, change):
    copy = place(stamped_run, tmp_path)
    rewrite(copy, change)
    assert any("autre empreinte" in p for p in verify(copy))


def test_times_backdated_and_restamped_show(stamped_run, tmp_path, tsa):
    copy = place(stamped_run, tmp_path, name=None)
    rewrite(copy, shift_times(timedelta(days=-1)), restamp_with=tsa.url)
    problems = verify(copy)
    assert any("les heures du manifeste ont été modifiées" in p for p in problems)


def test_two_runs_swapped_show(stamped_run, run_folder, tmp_path):
    a = place(stamped_run, tmp_path, name=run_folder.name)
    b = place(run_folder, tmp_path / "autre", name=stamped_run.name)
    assert any("ne correspond pas à l'exécution" in p for p in verify(a))
    assert any("ne correspond pas à l'exécution" in p for p in verify(b))


def test_a_run_moved_under_another_account_or_period_shows(stamped_run, tmp_path):
    moved = place(stamped_run, tmp_path, account="AUTRE-COMPTE", period="2020-01")
    problems = verify(moved)
    assert any("période 2020-01" in p for p in problems) and any("compte AUTRE-COMPTE" in p for p in problems)


def test_a_deleted_timestamp_shows(stamped_run, tmp_path):
    copy = place(stamped_run, tmp_path)
    (copy / TIMESTAMP_NAME).unlink()
    assert any("Horodatage manquant" in p for p in verify(copy))


def state_of(run):
    """The state dir of the run's own computer (the fixtures' DAMANCOM_STATE_DIR): its journal of runs."""
    return run.parents[3] / "state"


def unstamped(lines):
    """The forger's story: the authority could not be reached."""
    return lines + [
        {
            "time": lines[-1]["time"],
            "step": TIMESTAMP_STEP,
            "url": "",
            "outcome": "indisponible",
            "tsa": lines[0].get("tsa", ""),
            "message": "autorité d'horodatage injoignable",
        }
    ]


def test_limits_a_full_rewrite_without_timestamp_passes_the_folder_alone_but_says_nothing_is_proven(
    stamped_run, tmp_path
):
    """Not detected by the folder alone: the forger deletes the stamp and the line saying one was asked
    for. The journal of the run's computer shows it (next tests)."""
    copy = place(stamped_run, tmp_path)
    (copy / TIMESTAMP_NAME).unlink()
    rewrite(copy, lambda lines: [{k: v for k, v in lines[0].items() if k != "tsa"}] + set_outcome(4)(lines[1:]))
    verdict = examine(copy)
    assert verdict.problems == []
    assert any("un dossier entièrement réécrit ne se verrait pas" in n for n in verdict.notes)
    assert any("Journal des exécutions non consulté" in n for n in verdict.notes)


def test_a_stamp_deleted_and_said_unavailable_with_an_edited_screenshot_shows_in_the_journal(stamped_run, tmp_path):
    copy = place(stamped_run, tmp_path)
    (copy / TIMESTAMP_NAME).unlink()
    edit_screenshot(copy)
    rewrite(copy, unstamped)
    assert examine(copy).problems == []  # what the folder alone can say
    problems = verify(copy, ledger_dir=state_of(stamped_run))
    assert any("Horodatage supprimé" in p and "a été horodatée" in p for p in problems), problems
    assert any("La ligne de fin du manifeste n'est plus celle que l'exécution a écrite" in p for p in problems)


def test_a_stamp_deleted_with_its_request_shows_in_the_journal(stamped_run, tmp_path):
    copy = place(stamped_run, tmp_path)
    (copy / TIMESTAMP_NAME).unlink()
    rewrite(copy, lambda lines: [{k: v for k, v in lines[0].items() if k != "tsa"}] + lines[1:])
    problems = verify(copy, ledger_dir=state_of(stamped_run))
    assert any("a demandé un horodatage" in p and "ne le dit plus" in p for p in problems), problems
    assert any("Horodatage supprimé" in p for p in problems)


def test_an_unstamped_run_fully_rewritten_shows_in_the_journal(run_folder, tmp_path):
    copy = place(run_folder, tmp_path)
    edit_screenshot(copy)
    rewrite(copy, set_outcome(4))
    assert examine(copy).problems == []
    problems = verify(copy, ledger_dir=state_of(run_folder))
    assert problems == [
        "La ligne de fin du manifeste n'est plus celle que l'exécution a écrite "
        "(journal des exécutions) : manifeste réécrit."
    ]


def test_the_journal_keeps_each_run_as_written_and_an_intact_run_agrees(stamped_run, tmp_path, stamping_tsa):
    trusted = [stamping_tsa.cert]
    verdict = examine(place(stamped_run, tmp_path), ledger_dir=state_of(stamped_run), trusted=trusted)
    assert verdict.problems == [] and not any("Journal" in n or "journal" in n for n in verdict.notes)
    stranger = examine(
        place(stamped_run, tmp_path / "b", name="20260101-000000-abcdef"), ledger_dir=state_of(stamped_run)
    )
    assert any("inconnue du journal des exécutions" in n for n in stranger.notes)


def test_a_fin_line_added_to_a_killed_run_shows_in_the_journal(tmp_path):
    state = tmp_path / "state"
    recorder = Recorder(tmp_path / "rec", "PHARMA-1", "2026-10", state_dir=state)  # killed: no « fin »
    rewrite(
        recorder.folder,
        lambda lines: (
            lines
            + [
                {
                    "time": lines[-1]["time"],
                    "step": "fin",
                    "outcome": "ok",
                    "exit_code": 0,
                    "message": "Déclarée.",
                    "reports": {},
                }
            ]
        ),
    )
    assert examine(recorder.folder).problems == []
    assert any("ne note aucune fin pour cette exécution" in p for p in verify(recorder.folder, ledger_dir=state))


def test_a_stamped_recorder_run_said_unstamped_shows_in_the_journal(tmp_path, tsa):
    state = tmp_path / "state"
    recorder = Recorder(tmp_path / "rec", "PHARMA-1", "2026-10", tsa_url=tsa.url, state_dir=state)
    recorder.finish(0, "ok")
    assert verify(recorder.folder, ledger_dir=state, trusted=[tsa.cert]) == []
    (recorder.folder / TIMESTAMP_NAME).unlink()
    rewrite(recorder.folder, unstamped)  # only a line appended: the final line is the run's own
    assert verify(recorder.folder, ledger_dir=state) == [
        f"Horodatage supprimé : le journal des exécutions note que cette exécution a été horodatée par {tsa.url}, "
        f"mais {TIMESTAMP_NAME} est absent."
    ]


def test_an_unreachable_authority_agrees_with_the_journal(tmp_path, tsa):
    state = tmp_path / "state"
    tsa.down = True
    try:
        recorder = Recorder(tmp_path / "rec", "PHARMA-1", "2026-10", tsa_url=tsa.url, state_dir=state)
        recorder.finish(0, "ok")
    finally:
        tsa.down = False
    verdict = examine(recorder.folder, ledger_dir=state)
    assert verdict.problems == [] and any("injoignable" in n for n in verdict.notes)


def print_report(folder, page):
    from bot.audit.report import print_pdf

    return print_pdf(folder, page)


def test_another_runs_pdf_report_copied_into_a_login_run_shows(stamped_run, run_folder, tmp_path, page):
    """A login keeps no PDF; a filing's « DÉPOSÉE » report.pdf copied beside it is not its own."""
    filing = place(stamped_run, tmp_path / "depot")
    foreign = print_report(filing, page)
    login = place(run_folder, tmp_path / "connexion")
    shutil.copy(foreign, login / "report.pdf")
    problems = verify(login, ledger_dir=state_of(run_folder))
    assert any("report.pdf est le rapport d'une autre exécution" in p for p in problems), problems
    (login / "report.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<</Title (Rapport)>>\nendobj\n%%EOF\n")
    assert any("report.pdf ne dit pas de quelle exécution il est" in p for p in verify(login))


def test_a_pdf_report_printed_after_the_run_is_its_own(run_folder, tmp_path, page):
    login = place(run_folder, tmp_path)
    print_report(login, page)
    verdict = examine(login)
    assert verdict.problems == [] and any("report.pdf imprimé après l'exécution" in n for n in verdict.notes)
    edited = login / "report.html"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Réussite", "Déposée"), encoding="utf-8")
    rewrite(login, lambda lines: lines)  # report.html's new hash recomputed into the manifest
    print_report(login, page)
    (login / "report.html").write_bytes((run_folder / "report.html").read_bytes())  # the original back
    rewrite(login, lambda lines: lines)
    assert any("ou d'un autre report.html" in p for p in verify(login))


def test_a_pdf_report_printed_by_report_pdf_is_noted_in_the_journal(tmp_path, page, tsa):
    from bot.audit import journal

    state = tmp_path / "state"
    recorder = Recorder(tmp_path / "rec", "PHARMA-1", "2026-10", state_dir=state)
    (recorder.folder / "report.html").write_text("<title>r</title><p>Connexion réussie</p>", encoding="utf-8")
    recorder.finish(0, "ok", reports=[recorder.folder / "report.html"])
    pdf = print_report(recorder.folder, page)
    journal.printed(state, recorder.folder.name, sha256_file(pdf))
    assert verify(recorder.folder, ledger_dir=state) == []
    data = bytearray(pdf.read_bytes())
    data[-200] ^= 0x01  # the title (at the start) untouched: only the journal's hash can tell
    pdf.write_bytes(bytes(data))
    assert verify(recorder.folder) == []
    assert verify(recorder.folder, ledger_dir=state) == [
        "report.pdf n'est pas celui imprimé pour cette exécution (journal des exécutions) : remplacé."
    ]


def test_limits_a_rewrite_restamped_at_once_passes_without_the_ledger(stamped_run, tmp_path, tsa):
    """Not detected by the folder alone within the 2 minutes after the run: shown by the ledger."""
    from bot.ledger.ledger import Ledger
    from bot.system import clock

    copy = place(stamped_run, tmp_path)
    first = records(copy)[0]
    state = tmp_path / "state"
    ledger = Ledger(state)
    now = clock.now()
    ledger.ensure(first["account"], first["period"], now + timedelta(days=5), now, now)
    attempt = ledger.begin(first["account"], first["period"], now)
    ledger.end(attempt, now, 0, "ok", "Espace affilié atteint.", str(copy))
    ended = datetime.fromisoformat(records(copy)[-1]["time"])
    real_clock, tsa.clock = tsa.clock, lambda: ended + timedelta(seconds=60)  # the forger acts within the minute
    try:
        rewrite(copy, set_outcome(4), restamp_with=tsa.url)
    finally:
        tsa.clock = real_clock
    assert verify(copy, trusted=[tsa.cert]) == []  # the folder alone cannot tell
    assert any("Le registre note le code de sortie 0" in p for p in verify(copy, ledger_dir=state))


def test_a_stamp_from_another_authority_shows_when_the_authority_is_pinned(stamped_run, tmp_path, tsa):
    from tests.support.tsa import LocalTSA

    copy = place(stamped_run, tmp_path)
    ended = datetime.fromisoformat(records(copy)[-1]["time"])
    with LocalTSA("Fausse autorité", clock=lambda: ended + timedelta(seconds=1)) as forger:
        rewrite(copy, set_outcome(4), restamp_with=forger.url)
    unpinned = examine(copy)
    assert unpinned.problems == [] and any("Fausse autorité" in n and "vérifiez" in n for n in unpinned.notes)
    assert any("autre que celle de DAMANCOM_TSA_CERT" in p for p in verify(copy, trusted=[tsa.cert]))


def test_an_unreachable_authority_is_written_in_the_manifest(tmp_path, tsa):
    tsa.down = True
    try:
        recorder = Recorder(tmp_path / "rec", "PHARMA-1", "2026-10", tsa_url=tsa.url)
        recorder.finish(0, "ok")
    finally:
        tsa.down = False
    last = records(recorder.folder)[-1]
    assert last["step"] == TIMESTAMP_STEP and last["outcome"] == "indisponible" and last["tsa"] == tsa.url
    verdict = examine(recorder.folder)
    assert verdict.problems == [] and any("injoignable" in n for n in verdict.notes)


def test_a_receipt_reference_is_checked_against_the_ledger(tmp_path):
    from bot.ledger.ledger import Ledger
    from bot.system import clock

    recorder = Recorder(tmp_path / "rec", "PHARMA-1", "2026-10")
    receipt = recorder.folder / "accuse-de-reception.html"
    receipt.write_text("<p>Accusé AR-2026-0001</p>", encoding="utf-8")
    recorder.add_file(receipt, "accuse-de-reception-html", reference="AR-2026-0001")
    recorder.finish(0, "Déclarée.", proof=True)
    state = tmp_path / "state"
    now = clock.now()
    Ledger(state).filed("PHARMA-1", "2026-10", now, "AR-2026-0002", now)
    assert any(
        "Accusé de réception AR-2026-0001 dans le manifeste, AR-2026-0002 dans le registre" in p
        for p in verify(recorder.folder, ledger_dir=state)
    )


def test_the_real_portal_is_stamped_by_default_the_sandbox_not_unless_set():
    from bot.settings.config import load_settings

    assert load_settings({}, need_credentials=False).tsa_url == DEFAULT_TSA
    assert load_settings({"DAMANCOM_URL": "http://127.0.0.1:9/fr/"}, need_credentials=False).tsa_url is None
    assert load_settings({"DAMANCOM_TSA_URL": "0"}, need_credentials=False).tsa_url is None
    assert (
        load_settings(
            {"DAMANCOM_URL": "http://127.0.0.1:9/", "DAMANCOM_TSA_URL": "http://127.0.0.1:5/t"}, need_credentials=False
        ).tsa_url
        == "http://127.0.0.1:5/t"
    )
