"""Retention: old runs go, proofs of filing and folders marked CONSERVER stay, recent runs stay."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from bot.audit.recorder import Recorder
from bot.audit.retention import KEEP_MARK, months_before, prune
from bot.system.clock import TZ
from tests.support.bounded import bounded_run

NOW = datetime(2026, 11, 27, 21, 0, tzinfo=TZ)


def make_run(root, started: datetime, *, proof: bool = False):
    recorder = Recorder(root, "PHARMA-1", now=lambda: started)
    recorder.finish(0, "fin", proof=proof)
    return recorder.folder


def test_prune_keeps_recent_runs_and_proofs(tmp_path, run_cli):
    old = make_run(tmp_path, datetime(2024, 10, 1, 21, 0, tzinfo=TZ))
    old_proof = make_run(tmp_path, datetime(2024, 9, 2, 21, 0, tzinfo=TZ), proof=True)
    old_kept = make_run(tmp_path, datetime(2024, 8, 2, 21, 0, tzinfo=TZ))
    (old_kept / KEEP_MARK).write_text("")
    recent = make_run(tmp_path, datetime(2025, 12, 1, 21, 0, tzinfo=TZ))

    deleted, protected = prune(tmp_path, 24, NOW, dry_run=True)
    assert deleted == [old] and old.exists()
    deleted, protected = prune(tmp_path, 24, NOW)
    assert deleted == [old] and not old.exists()
    assert sorted(protected) == sorted([old_proof, old_kept])
    assert old_proof.exists() and old_kept.exists() and recent.exists()


def test_prune_command_reads_the_retention_setting(tmp_path, run_cli):
    make_run(tmp_path / "rec", datetime(2026, 1, 5, 21, 0, tzinfo=TZ))
    result = run_cli(
        "audit", "prune", env={"DAMANCOM_RECORDINGS": str(tmp_path / "rec"), "DAMANCOM_RETENTION_MONTHS": "6"}
    )
    assert result.returncode == 0, result.stderr
    assert "1 dossier(s) de plus de 6 mois supprimé(s)" in result.stdout


def test_months_before():
    assert months_before(NOW, 24) == datetime(2024, 11, 27, 21, 0, tzinfo=TZ)
    assert months_before(datetime(2026, 3, 31, tzinfo=TZ), 1).month == 2


def test_a_killed_run_holding_a_receipt_is_never_pruned(tmp_path):
    """Killed after the receipt, before its last line: no « proof » in the manifest, still a proof."""
    started = datetime(2024, 1, 5, 21, 0, tzinfo=TZ)
    with_line = Recorder(tmp_path, "PHARMA-1", now=lambda: started)
    receipt = with_line.folder / "accuse-de-reception.html"
    receipt.write_text("<p>AR-1</p>", encoding="utf-8")
    with_line.add_file(receipt, "accuse-de-reception-html", reference="AR-1")  # then killed: no « fin »
    file_only = Recorder(tmp_path, "PHARMA-2", now=lambda: started)
    (file_only.folder / "accuse-de-reception.html").write_text("<p>AR-2</p>", encoding="utf-8")  # killed mid-record
    deleted, protected = prune(tmp_path, 24, NOW)
    assert deleted == [] and sorted(protected) == sorted([with_line.folder, file_only.folder])


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="a POSIX device")
def test_a_manifest_linked_to_dev_zero_is_a_damaged_folder_not_a_crash(tmp_path, cli_env):
    """Read within bounds: `report --last` and `audit prune` name the damaged folder and go on."""
    rec = tmp_path / "rec"
    good = make_run(rec, datetime(2026, 11, 2, 21, 0, tzinfo=TZ))
    (good / "report.html").write_text("<html></html>", encoding="utf-8")
    damaged = make_run(rec, datetime(2026, 11, 3, 21, 0, tzinfo=TZ))
    (damaged / "manifest.jsonl").unlink()
    (damaged / "manifest.jsonl").symlink_to("/dev/zero")
    env = {**cli_env, "DAMANCOM_RECORDINGS": str(rec)}
    report = bounded_run(["report", "--last"], env=env, cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert (
        f"dossier abîmé, ignoré (manifest.jsonl est un périphérique, pas un fichier ordinaire) : {damaged}"
        in report.stdout
        and str(good / "report.html") in report.stdout
    )
    prune = bounded_run(["audit", "prune", "--dry-run"], env=env, cwd=tmp_path)
    assert prune.returncode == 0, prune.stderr
    assert (
        f"conservé, dossier abîmé (manifest.jsonl est un périphérique, pas un fichier ordinaire) : {damaged}"
        in prune.stdout
    )


def test_report_of_a_folder_that_is_not_a_run_says_so(tmp_path, run_cli):
    result = run_cli("report", str(tmp_path / "nulle-part"))
    assert result.returncode == 2 and "« " + str(tmp_path / "nulle-part") + " » n'existe pas" in result.stderr
    assert "interrompue" not in result.stderr
    result = run_cli("report", str(tmp_path))
    assert result.returncode == 2 and "n'est pas le dossier d'une exécution" in result.stderr
