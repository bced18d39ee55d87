"""`audit verify` on a real run folder: intact, then each kind of tampering."""

from __future__ import annotations

import shutil

import pytest

from bot.audit.manifest import NAME
from bot.audit.verify import verify


@pytest.fixture
def copy(run_folder, tmp_path):
    target = tmp_path / run_folder.name  # copied elsewhere, as to another machine
    shutil.copytree(run_folder, target)
    return target


def test_intact_folder_passes_even_when_copied(copy, run_cli):
    assert verify(copy) == []
    result = run_cli("audit", "verify", str(copy), process=True)
    assert result.returncode == 0 and "Dossier intact" in result.stdout


def test_a_changed_byte_is_detected(copy, run_cli):
    shot = sorted(copy.glob("*.png"))[1]
    data = bytearray(shot.read_bytes())
    data[len(data) // 2] ^= 0x01
    shot.write_bytes(bytes(data))
    assert verify(copy) == [f"Fichier modifié : {shot.name} (son empreinte ne correspond plus au manifeste)."]
    result = run_cli("audit", "verify", str(copy))
    assert result.returncode == 8 and "ALTÉRÉ" in result.stdout and shot.name in result.stdout


def test_a_removed_file_is_detected(copy):
    (copy / "report.html").unlink()
    assert verify(copy) == ["Fichier manquant : report.html (étape « fin »)."]


def test_an_added_file_is_detected(copy):
    (copy / "99-ajout.png").write_bytes(b"not evidence")
    assert verify(copy) == ["Fichier ajouté : 99-ajout.png (absent du manifeste)."]


def test_two_swapped_lines_are_detected(copy):
    lines = (copy / NAME).read_text(encoding="utf-8").splitlines()
    lines[2], lines[3] = lines[3], lines[2]
    (copy / NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = verify(copy)
    assert problems and all("déplacée" in p or "chaîne" in p or "heures" in p for p in problems)
    assert any("Ligne 3 du manifeste déplacée" in p for p in problems)


def test_an_edited_line_breaks_the_chain(copy):
    manifest = copy / NAME
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('"outcome": "ok"', '"outcome": "OK"', 1), encoding="utf-8"
    )
    assert any("chaîne d'empreintes est rompue" in p for p in verify(copy))


def test_a_truncated_manifest_is_detected(copy):
    manifest = copy / NAME
    lines = manifest.read_text(encoding="utf-8").splitlines()
    manifest.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    problems = verify(copy)
    assert any("ne se termine pas par la ligne de fin" in p for p in problems)
    assert any("Fichier ajouté : report.html" in p for p in problems)


def test_not_a_run_folder(tmp_path):
    assert "Aucun manifeste" in verify(tmp_path)[0]


def test_verify_on_a_missing_folder_says_it_is_missing(tmp_path, run_cli):
    result = run_cli("audit", "verify", str(tmp_path / "mal-tapé"))
    assert result.returncode == 2
    assert "n'existe pas" in result.stderr and "ALTÉRÉ" not in result.stdout + result.stderr
