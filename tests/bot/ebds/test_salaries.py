"""Builder inputs as people have them: encodings, separators, names into the portal's alphabet,
duplicates and over-long fields refused with their line, leavers, incomplete préétablis."""

from __future__ import annotations

import pytest

from bot.ebds.build import BadInput, build_declaration
from bot.ebds.records import parse
from tests.bot.ebds.mutations import lines_of, make_preetabli, sample_case

CASE = sample_case()
HEADER = "immatriculation;jours;salaire_brut;situation;nom;cin\n"
ROWS = CASE.csv.decode("utf-8").splitlines()[1:]


def csv(*rows: str, header: str = HEADER) -> str:
    return header + "\n".join(rows) + "\n"


def b04_names(content: str) -> list[str]:
    return [r.text("L_Nom_Prenom") for r in parse(content) if r.type == "B04"]


@pytest.mark.parametrize(
    "encoding, label",
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 avec BOM"), ("cp1252", "Windows-1252"), ("utf-16", "UTF-16")],
)
def test_names_survive_every_usual_encoding(encoding, label):
    built = build_declaration(CASE.preetabli, csv(*ROWS).encode(encoding), 600_000)
    assert built.encoding == label
    assert b04_names(built.content) == ["HELENE NUNEZ-AIT"]
    assert built.changes == ["ligne 5, nom : « Hélène Ñúñez-Aït » écrit « HELENE NUNEZ-AIT »"]


def test_comma_separator_with_quoted_or_dotted_amounts():
    rows = [r.replace(";", ",") for r in ROWS]
    rows[0] = rows[0].replace("8 200,50", '"8 200,50"')
    rows[2] = rows[2].replace("2400", "2400.00")
    built = build_declaration(CASE.preetabli, csv(*rows, header=HEADER.replace(";", ",")).encode("utf-8"), 600_000)
    assert [r.number("N_Salaire_Reel") for r in parse(built.content) if r.type == "B02"] == [820050, 0, 240000]


def test_header_as_typed_in_a_spreadsheet():
    header = "Immatriculation;Jours;Salaire Brut;Situation;Nom;CIN\n"
    built = build_declaration(CASE.preetabli, csv(*ROWS, header=header).encode("cp1252"), 600_000)
    assert b04_names(built.content) == ["HELENE NUNEZ-AIT"]


def test_transliteration_is_deterministic_and_listed():
    row = ROWS[3].replace("Hélène Ñúñez-Aït", "Œdipe Straße O’Brien").replace("BK123456", "bk 12-34")
    built = build_declaration(CASE.preetabli, csv(*ROWS[:3], row), 600_000)
    assert b04_names(built.content) == ["OEDIPE STRASSE O BRIEN"]
    assert [r.text("L_Num_CIN") for r in parse(built.content) if r.type == "B04"] == ["BK1234"]
    assert len(built.changes) == 2 and "« bk 12-34 » écrit « BK1234 »" in built.changes[1]


@pytest.mark.parametrize(
    "rows, message",
    [
        ((ROWS[0], ROWS[0]), "Ligne 3 du fichier des salaires : l'immatriculation .* est déjà à la ligne 2"),
        ((ROWS[3].replace("BK123456", "BK1234567"),), "Ligne 2 .* CIN « BK1234567 » de 9 caractères, 8 au plus"),
        ((ROWS[3].replace(ROWS[3].split(";")[0], "1234567890"),), r"Ligne 2 .*\(10 chiffres, 9 chiffres au plus"),
        ((ROWS[3].replace("Hélène Ñúñez-Aït", "A" * 61),), "Ligne 2 .* nom de 61 caractères, 60 au plus"),
        (
            (ROWS[0].replace(";26;8 200,50;;", ";5;800;MP;"),),
            "Ligne 2 .* en situation MP, jours et salaire doivent être à 0",
        ),
        ((ROWS[0] + ";en trop",), "Ligne 2 .* 7 colonnes, l'en-tête en a 6"),
    ],
)
def test_bad_rows_are_refused_with_their_line(rows, message):
    with pytest.raises(BadInput, match=message):
        build_declaration(CASE.preetabli, csv(*rows), 600_000)


def test_excel_habits_sep_line_and_scientific_notation():
    built = build_declaration(CASE.preetabli, ("sep=;\r\n" + csv(*ROWS)).encode("cp1252"), 600_000)
    assert b04_names(built.content) == ["HELENE NUNEZ-AIT"]
    with pytest.raises(BadInput, match="notation scientifique"):
        build_declaration(CASE.preetabli, csv(ROWS[0].replace(ROWS[0].split(";")[0], "1,12E+08")), 600_000)


def test_one_column_or_empty_csv_is_a_clear_refusal():
    with pytest.raises(BadInput, match="n'a qu'une colonne"):
        build_declaration(CASE.preetabli, "immatriculation\n112233445\n", 600_000)
    with pytest.raises(BadInput, match="est vide"):
        build_declaration(CASE.preetabli, b"", 600_000)


def test_a_leaver_returns_the_net_allowance_of_the_preetabli():
    built = build_declaration(CASE.preetabli, CASE.csv, 600_000)
    leaver = next(r for r in parse(built.content) if r.type == "B02" and r.text("L_Situation") == "SO")
    assert leaver.number("N_AF_Net_A_Payer") == 20000 and leaver.number("N_AF_A_Reverser") == 20000


def test_an_incomplete_preetabli_is_refused():
    lines = lines_of(CASE.preetabli)
    without_a03 = "\n".join(line for line in lines if not line.startswith("A03")) + "\n"
    with pytest.raises(BadInput, match="exactement un A03 dans le préétabli"):
        build_declaration(without_a03, CASE.csv, 600_000)
    without_a02 = "\n".join(lines[:2] + lines[3:]) + "\n"
    with pytest.raises(BadInput, match="N_Nbr_Salaries.*attendu 2 .*un salarié manque-t-il"):
        build_declaration(without_a02, CASE.csv, 600_000)


def test_cli_build_lists_changes_and_refuses_bad_csv_with_exit_2(tmp_path, run_cli):
    (tmp_path / "pre.txt").write_text(CASE.preetabli)
    (tmp_path / "salaires.csv").write_bytes(CASE.csv)
    (tmp_path / "une-colonne.csv").write_text("immatriculation\n112233445\n")
    (tmp_path / "sortie").mkdir()
    result = run_cli("bds", "build", "--preetabli", "pre.txt", "--salaries", "salaires.csv", "--out", "sortie")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lu en UTF-8" in result.stdout and "« Hélène Ñúñez-Aït » écrit « HELENE NUNEZ-AIT »" in result.stdout
    result = run_cli("bds", "build", "--preetabli", "pre.txt", "--salaries", "une-colonne.csv")
    assert result.returncode == 2 and "n'a qu'une colonne" in result.stdout + result.stderr
    result = run_cli("bds", "build", "--preetabli", "pre.txt", "--salaries", "salaires.csv", "--out", "absent")
    # the folder the bot looked in, whole (read from the command's working folder)
    assert result.returncode == 2 and f"--out « {tmp_path / 'absent'} » n'existe pas" in result.stdout + result.stderr
    result = run_cli("bds", "check", str(next((tmp_path / "sortie").iterdir())), "--preetabli", "pre.txt")
    assert result.returncode == 0 and "Fichier conforme" in result.stdout
    result = run_cli("bds", "check", "absent.txt")
    assert result.returncode == 2 and f"« {tmp_path / 'absent.txt'} » introuvable" in result.stdout + result.stderr


def test_make_preetabli_matches_the_layout():
    assert all(len(line) == 260 for line in lines_of(make_preetabli("1234567", "202610", [])))


ARABIC = "محمد العلوي"


def test_a_windows_1256_file_is_read_as_arabic_and_an_arabic_name_is_refused_with_what_to_do():
    from bot.ebds.salaries import decode

    data = csv(*ROWS[:3], ROWS[3].replace("Hélène Ñúñez-Aït", ARABIC)).encode("cp1256")
    assert decode(data) == (data.decode("cp1256"), "Windows-1256 (arabe)")
    with pytest.raises(
        BadInput,
        match=r"Ligne 5 du fichier des salaires : nom écrit en lettres arabes ; .*lettres "
        r"latines sur la CIN du salarié \(par exemple MOHAMED EL ALAOUI\)",
    ):
        build_declaration(CASE.preetabli, data, 600_000)
    with pytest.raises(BadInput, match="nom écrit en lettres arabes"):  # the same in UTF-8
        build_declaration(CASE.preetabli, data.decode("cp1256").encode("utf-8"), 600_000)


def test_french_accents_in_windows_1252_are_not_taken_for_arabic():
    from bot.ebds.salaries import decode

    text = csv(*ROWS[:3], ROWS[3].replace("Hélène Ñúñez-Aït", "ÉLÈNE ÀÇÔÉ Noël"))
    assert decode(text.encode("cp1252")) == (text, "Windows-1252")


def test_letters_the_portal_cannot_spell_are_refused_not_blanked():
    row = ROWS[3].replace("Hélène Ñúñez-Aït", "Ωmega Ivanov")
    with pytest.raises(BadInput, match=r"Ligne 2 .* nom avec des lettres que le portail ne connaît pas \(U\+03A9\)"):
        build_declaration(CASE.preetabli, csv(row), 600_000)


@pytest.mark.parametrize("number, accepted", [("102\u00a0030\u00a0401", True), ("102\u202f030\u202f401", True)])
def test_an_employee_number_with_no_break_spaces_is_read(number, accepted):
    row = ROWS[3].replace("102030401", number)
    built = build_declaration(CASE.preetabli, csv(*ROWS[:3], row).encode("utf-8"), 600_000)
    assert "102030401" in [r.text("N_Num_Assure") for r in parse(built.content) if r.type == "B04"]


@pytest.mark.parametrize(
    "cell, said",
    [
        (
            "10203040A",
            "immatriculation « 10203040A » invalide (des chiffres seulement ; caractère(s) refusé(s) : « A »)",
        ),
        (
            "1020\u200b30401",
            "immatriculation « 1020[espace de largeur nulle]30401 » invalide (des chiffres seulement ; "
            "caractère(s) refusé(s) : [espace de largeur nulle])",
        ),
        ("\x1a", "immatriculation « [Ctrl-Z] » invalide (des chiffres seulement ; caractère(s) refusé(s) : [Ctrl-Z])"),
    ],
)
def test_a_bad_employee_number_says_what_is_wrong_and_shows_invisible_characters(cell, said):
    row = ROWS[3].replace("102030401", cell)
    with pytest.raises(BadInput) as refused:
        build_declaration(CASE.preetabli, csv(*ROWS[:3], row), 600_000)
    assert said in str(refused.value)


def test_a_ctrl_z_in_a_cell_is_shown_and_a_final_dos_ctrl_z_is_ignored():
    with pytest.raises(BadInput, match=r"nombre de jours « 1\[Ctrl-Z\] » invalide"):
        build_declaration(CASE.preetabli, csv(ROWS[0].replace(";26;", ";1\x1a;")), 600_000)
    built = build_declaration(CASE.preetabli, (csv(*ROWS) + "\x1a").encode("cp1252"), 600_000)
    assert b04_names(built.content) == ["HELENE NUNEZ-AIT"]


def test_build_counts_every_warning_as_check_does(tmp_path, run_cli):
    """Three thousand employees paid without days: each a warning; build says them all, lists a few."""
    from bot.ebds.check import inspect
    from bot.ebds.findings import KEEP
    from tests.bot.ebds.mutations import make_preetabli as pre

    numbers = [f"{n:08d}" for n in range(10_000_000, 10_003_000)]
    from bot.ebds.rules import insured_key

    numbers = [n + str(insured_key(n)) for n in numbers]
    preetabli = pre("1234567", "202610", [(n, f"SALARIE {i}", 0, 0, 0) for i, n in enumerate(numbers)])
    rows = [f"{n};0;1000;;;" for n in numbers]
    built = build_declaration(preetabli, csv(*rows), 600_000)
    found = inspect(built.content, preetabli=preetabli)
    assert found.warning_count == 3000 and len(built.warnings) + built.more_warnings == 3000
    assert len(built.warnings) == KEEP
    (tmp_path / "pre.txt").write_text(preetabli)
    (tmp_path / "salaires.csv").write_text(csv(*rows))
    result = run_cli("bds", "build", "--preetabli", "pre.txt", "--salaries", "salaires.csv", "--out", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3000 avertissement(s)" in result.stdout and "autre(s) avertissement(s) non affiché(s)" in result.stdout
