"""The reader: LF/CRLF only, linear, bounded output, every bad byte a finding, never a crash."""

from __future__ import annotations

import os

import pytest

from bot.ebds.check import check, inspect
from bot.ebds.findings import KEEP
from bot.ebds.records import parse
from bot.ebds.textfile import MAX_BYTES
from tests.bot.ebds.mutations import built, put, sample_case
from tests.support.bounded import bounded_run

CASE = built(sample_case())


def test_only_lf_and_crlf_break_lines():
    odd = "\x0b\x0c\x1c\x1d\x1e\x85\u2028"
    text = put(CASE.content, 3, "filler", odd.ljust(104))
    assert len(parse(text)) == len(parse(CASE.content))
    problems = [str(p) for p in check(text, preetabli=CASE.preetabli)]
    assert len(problems) == len(odd), problems
    assert (
        "ligne 3, enregistrement B02, champ filler (colonnes 157-260) : trouvé « le caractère 0x0B (tabulation "
        "verticale) en colonne 157 »" in problems[0]
    )
    assert any("U+2028" in p for p in problems)


def test_a_superscript_two_is_a_finding_with_its_column_not_a_crash():
    text = put(CASE.content, 3, "N_Jours_Declares", "2²")
    problems = [str(p) for p in check(text, preetabli=CASE.preetabli)]
    assert "champ N_Jours_Declares (colonnes 112-113) : trouvé « le caractère 0xB2 (²) en colonne 113 »" in problems[0]


def test_forty_thousand_blank_lines_give_a_bounded_list_and_a_count():
    text = CASE.content.replace("\r\n", "\r\n" + "\r\n" * 40_000, 1)
    found = inspect(text, preetabli=CASE.preetabli)
    assert len(found.errors) == KEEP and found.error_count == 40_000
    assert "trouvé « ligne vide »" in str(found.errors[0])


def test_garbage_and_oversized_text_are_refused_at_once():
    garbage = os.urandom(200_000).decode("latin-1")
    found = inspect(garbage)
    assert found.error_count == 1 and "contenu binaire" in str(found.errors[0])
    assert "un fichier texte" in str(found.errors[0])
    big = "B" * (MAX_BYTES + 1)
    assert [p.field for p in check(big)] == ["contenu"] and "au plus 50,0 Mo" in str(check(big)[0])


def test_a_stray_nul_or_control_byte_is_shown_safely():
    text = CASE.content.replace("B02", "\x00\x1b[", 1)
    problems = [str(p) for p in check(text)]
    assert problems and all("\x00" not in p and "\x1b" not in p for p in problems)
    assert any("0x00 (NUL) en colonne 1" in p for p in problems)


def test_cli_check_refuses_a_huge_file_before_reading_it_and_caps_its_output(tmp_path, run_cli):
    huge = tmp_path / "enorme.txt"
    with open(huge, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: never read
    result = run_cli("bds", "check", "enorme.txt")
    assert result.returncode == 2 and "au plus 50,0 Mo" in result.stdout + result.stderr
    (tmp_path / "image.pdf").write_bytes(os.urandom(100_000))
    result = run_cli("bds", "check", "image.pdf")
    assert result.returncode == 2 and "contenu binaire" in result.stdout + result.stderr
    (tmp_path / "vides.txt").write_bytes(CASE.content.replace("\r\n", "\r\n" * 5000, 1).encode("ascii"))
    result = run_cli("bds", "check", "vides.txt")
    assert result.returncode == 2 and len(result.stdout.splitlines()) < 60
    assert "autre(s) problème(s) non affiché(s)" in result.stdout


def test_a_binary_preetabli_is_one_finding():
    found = inspect(CASE.content, preetabli=os.urandom(10_000).decode("latin-1"))
    assert found.error_count == 1 and str(found.errors[0]).startswith(
        "préétabli, fichier, contenu : trouvé « un contenu binaire"
    )


def test_cli_refuses_a_malformed_period_or_affiliate(tmp_path, run_cli):
    (tmp_path / "DS.txt").write_text(CASE.content)
    for option, value in (("--period", "2026/10"), ("--affiliate", "12345")):
        result = run_cli("bds", "check", "DS.txt", option, value)
        assert result.returncode == 2 and f"{option} « {value} » invalide" in result.stdout + result.stderr


def test_many_empty_b04_stay_linear_and_bounded():
    """Every line a (wrong) empty B04: one finding per line, kept to the bound, counted."""
    lines = CASE.content.split("\r\n")
    empty = next(line for line in lines if line.startswith("B04"))
    empty = empty[:16] + " " * 9 + empty[25:]
    text = "\r\n".join(lines[:-4] + [empty] * 10_000 + lines[-3:])
    found = inspect(text)
    assert len(found.errors) == KEEP and found.error_count > 10_000


@pytest.mark.skipif(not os.path.exists("/dev/zero") or not hasattr(os, "mkfifo"), reason="POSIX devices and FIFOs")
@pytest.mark.parametrize("how", ["check", "preetabli", "salaries"])
@pytest.mark.parametrize("what", ["/dev/zero", "fifo"])
def test_a_device_or_a_pipe_is_refused_before_it_is_read(tmp_path, cli_env, how, what):
    """/dev/zero never ends and a FIFO blocks its reader: exit 2 at once, bounded memory."""
    if what == "fifo":
        what = str(tmp_path / "tube.txt")
        os.mkfifo(what)
    (tmp_path / "ds.txt").write_text(CASE.content, encoding="latin-1")
    (tmp_path / "pre.txt").write_text(CASE.preetabli, encoding="latin-1")
    args = {
        "check": ["bds", "check", what],
        "preetabli": ["bds", "check", "ds.txt", "--preetabli", what],
        "salaries": ["bds", "build", "--preetabli", "pre.txt", "--salaries", what],
    }[how]
    done = bounded_run(args, env=cli_env, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "pas un fichier ordinaire" in done.stderr and "Traceback" not in done.stderr


def test_mixed_crlf_and_lf_line_ends_are_refused_with_the_first_odd_line():
    lines = CASE.content.split("\r\n")
    mixed = "\r\n".join(lines[:3]) + "\n" + "\n".join(lines[3:5]) + "\r\n" + "\r\n".join(lines[5:])
    problems = [str(p) for p in check(mixed, preetabli=CASE.preetabli)]
    assert problems == [
        "ligne 3, enregistrement B02, fin de ligne : trouvé « LF (2 ligne(s) ainsi) », attendu CRLF "
        "comme à la ligne 1 : toutes les lignes finies de la même façon ; réenregistrez le fichier "
        "depuis le logiciel de paie (ou damancom-bot bds build)."
    ], problems
    assert check(CASE.content.replace("\r\n", "\n"), preetabli=CASE.preetabli) == []  # all LF: fine


def test_a_dos_ctrl_z_at_the_end_of_a_declaration_is_named():
    problems = [str(p) for p in check(CASE.content + "\x1a", preetabli=CASE.preetabli)]
    assert any("0x1A (Ctrl-Z, fin de fichier DOS) en colonne 1" in p for p in problems), problems
