"""e-BDS: build from the préétabli and a CSV, check it clean, then break each rule alone."""

from __future__ import annotations

import pytest

from bot.ebds.build import BadInput, build
from bot.ebds.cap import cap_for, caps
from bot.ebds.check import b02_ctr, b04_ctr, check, recap
from bot.ebds.layout import B03_SUMS, B05_SUMS, RECORD_LENGTH, RECORDS, columns
from bot.ebds.records import line, parse
from bot.errors import ConfigError
from bot.sandbox import load_accounts
from bot.sandbox.preetabli import make_preetabli

ACCOUNT = load_accounts()[0]
PRE = make_preetabli(ACCOUNT, "2026-10")
CSV = (
    "immatriculation;jours;salaire_brut;situation;nom;cin\n"
    "112233445;26;4500,00;;;\n223344556;26;8 200,50;;;\n334455667;0;0;CS;;\n998877665;10;2000;;ALAOUI SARA;BK123456\n"
)
CAP = 600_000


@pytest.fixture(scope="module")
def declaration() -> str:
    return build(PRE, CSV, CAP)[1]


def set_field(text: str, line_no: int, field: str, value: str) -> str:
    lines = text.splitlines()
    record = lines[line_no - 1][:3]
    first, last = columns(record, field)
    width = last - first + 1
    lines[line_no - 1] = lines[line_no - 1][: first - 1] + value.rjust(width)[:width] + lines[line_no - 1][last:]
    return "\r\n".join(lines) + "\r\n"


def fix_sums(text: str, keep_ctr: bool = False) -> str:
    """Recomputes every control sum (unless `keep_ctr`) and total, so a test breaks one rule only."""
    records = parse(text)
    out, b02, b04 = [], [], []
    for r in records:
        values = {
            k: (v.strip() if not k.startswith(("N_", "S_")) else (int(v) if v.strip().isdigit() else v.strip()))
            for k, v in r.fields.items()
        }
        if r.type == "B02":
            values["S_Ctr"] = r.number("S_Ctr") if keep_ctr else b02_ctr(r)
            b02.append(parse(line("B02", values))[0])
        if r.type == "B04" and r.text("N_Num_Assure"):
            values["S_Ctr"] = r.number("S_Ctr") if keep_ctr else b04_ctr(r)
            b04.append(parse(line("B04", values))[0])
        out.append((r.type, values))
    totals = {"B03": recap(b02, B03_SUMS), "B05": recap(b04, B05_SUMS)}
    totals["B06"] = {k: totals["B03"].get(k, 0) + v for k, v in totals["B05"].items()}
    rebuilt = [line(t, {**v, **totals.get(t, {})}) for t, v in out]
    return "\r\n".join(rebuilt) + "\r\n"


def problems_of(text: str, **kwargs) -> list[str]:
    return [str(p) for p in check(text, preetabli=PRE, **kwargs)]


def test_round_trip_build_then_check_is_clean(declaration):
    name, content = build(PRE, CSV, CAP)
    assert name == "DS_1234567_102026.txt"
    assert all(len(line) == RECORD_LENGTH for line in content.splitlines())
    assert [r.type for r in parse(content)] == ["B00", "B01", "B02", "B02", "B02", "B03", "B04", "B05", "B06"]
    assert check(content, preetabli=PRE, affiliate="1234567", period="2026-10") == []
    b02 = [r for r in parse(content) if r.type == "B02"]
    assert b02[1].number("N_Salaire_Reel") == 820050 and b02[1].number("N_Salaire_Plaf") == CAP  # capped
    assert fix_sums(content) == content  # the helper itself changes nothing on a good file


def test_no_new_employee_gives_one_empty_b04():
    content = build(PRE, "\n".join(CSV.splitlines()[:4]) + "\n", CAP)[1]
    b04 = [r for r in parse(content) if r.type == "B04"]
    assert len(b04) == 1 and b04[0].fields["N_Num_Assure"] == " " * 9
    assert check(content, preetabli=PRE) == []


RULES = [
    ("length", lambda t: t.replace("\r\n", " \r\n", 1), "longueur : trouvé « 261 », attendu 260 caractères"),
    (
        "N format",
        lambda t: fix_sums(set_field(t, 3, "N_Enfants", "A2")),
        "champ N_Enfants (colonnes 86-87) : trouvé « A2 »",
    ),
    (
        "AN format",
        lambda t: set_field(t, 2, "L_Ville", "Fès".ljust(20)),
        "champ L_Ville (colonnes 217-236) : trouvé « le caractère 0xE8 (è) en colonne 218 », "
        "attendu du texte ASCII imprimable",
    ),
    (
        "date",
        lambda t: set_field(t, 2, "D_Date_Emission", "20261345"),
        "D_Date_Emission (colonnes 245-252) : trouvé « 20261345 », attendu une date AAAAMMJJ",
    ),
    (
        "days",
        lambda t: fix_sums(set_field(t, 3, "N_Jours_Declares", "27")),
        "N_Jours_Declares (colonnes 112-113) : trouvé « 27 », attendu au plus 26 jours",
    ),
    (
        "situation",
        lambda t: fix_sums(set_field(t, 4, "L_Situation", "ZZ")),
        "L_Situation (colonnes 136-137) : trouvé « ZZ », attendu un code de situation connu",
    ),
    (
        "S_Ctr",
        lambda t: fix_sums(set_field(t, 3, "S_Ctr", "1".zfill(19)), keep_ctr=True),
        "ligne 3, enregistrement B02, champ S_Ctr (colonnes 138-156) : trouvé « 1 »",
    ),
    (
        "total",
        lambda t: set_field(t, 6, "N_T_Salaire_Reel", "1".zfill(15)),
        "enregistrement B03, champ N_T_Salaire_Reel",
    ),
    (
        "N_T_Ctr",
        lambda t: set_field(t, 6, "N_T_Ctr", "5".zfill(19)),
        "enregistrement B03, champ N_T_Ctr (colonnes 126-144) : trouvé « 5 »",
    ),
    ("B06", lambda t: set_field(t, 9, "N_Nbr_Salaries", "000009"), "enregistrement B06, champ N_Nbr_Salaries"),
    (
        "order",
        lambda t: "\r\n".join([t.splitlines()[1], t.splitlines()[0], *t.splitlines()[2:]]) + "\r\n",
        "ordre des enregistrements",
    ),
    (
        "transfer id",
        lambda t: set_field(t, 1, "N_Identif_Transfert", "99999999999999"),
        "N_Identif_Transfert (colonnes 4-17) : trouvé « 99999999999999 », attendu 12345672026100 (celui du préétabli)",
    ),
    (
        "employee twice",
        lambda t: fix_sums("\r\n".join(t.splitlines()[:3] + [t.splitlines()[2]] + t.splitlines()[3:]) + "\r\n"),
        "attendu une seule ligne B02 par salarié",
    ),
    (
        "employee missing",
        lambda t: fix_sums("\r\n".join(t.splitlines()[:3] + t.splitlines()[4:]) + "\r\n"),
        "une ligne B02 pour 223344556 (EL AMRANI YOUSSEF) du préétabli",
    ),
]


@pytest.mark.parametrize("mutate, expected", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_rule_alone(declaration, mutate, expected):
    problems = problems_of(mutate(declaration))
    assert problems and any(expected in p for p in problems), problems
    assert len({p.split(",")[0] for p in problems}) == 1, problems  # one line at fault, not a cascade


def test_wrong_period_or_employer_is_refused_locally(declaration):
    period = problems_of(declaration, period="2026-09")  # the whole file is another month's: said once, in words
    assert period == [
        "Ce fichier est celui d'octobre 2026, vous avez choisi septembre 2026 : déposez le fichier de "
        "septembre 2026, ou choisissez la période octobre 2026."
    ]
    employer = problems_of(declaration, affiliate="7654321")
    assert employer and all("N_Num_Affilie" in p and "7654321" in p for p in employer)


def test_builder_refuses_bad_csv():
    with pytest.raises(BadInput, match="manque dans le fichier des salaires"):
        build(PRE, "immatriculation;jours;salaire_brut\n112233445;26;4500\n", CAP)
    with pytest.raises(BadInput, match="26 au plus"):
        build(PRE, CSV.replace("112233445;26", "112233445;27"), CAP)
    with pytest.raises(BadInput, match="nom et son CIN"):
        build(PRE, CSV.replace("ALAOUI SARA;BK123456", ";"), CAP)
    with pytest.raises(BadInput, match="colonnes"):
        build(PRE, "a;b\n1;2\n", CAP)


def test_salary_cap_is_a_dated_setting():
    table = caps({"DAMANCOM_SALARY_CAPS": "2027-01=7000"})
    assert cap_for("2026-12", table) == 600_000 and cap_for("202701", table) == 700_000
    with pytest.raises(ConfigError, match="DAMANCOM_SALARY_CAPS"):
        caps({"DAMANCOM_SALARY_CAPS": "janvier=7000"})


def test_layout_table_is_consistent():
    for record, fields in RECORDS.items():
        assert 3 + sum(n for _, n in fields) == RECORD_LENGTH, record


def test_bds_commands(tmp_path, run_cli):
    (tmp_path / "pre.txt").write_text(PRE)
    (tmp_path / "salaires.csv").write_text(CSV)
    built = run_cli("bds", "build", "--preetabli", "pre.txt", "--salaries", "salaires.csv", process=True)
    assert built.returncode == 0, built.stderr
    assert run_cli("bds", "check", "DS_1234567_102026.txt", "--preetabli", "pre.txt").returncode == 0
    broken = set_field((tmp_path / "DS_1234567_102026.txt").read_text(), 3, "N_Jours_Declares", "27")
    (tmp_path / "bad.txt").write_text(broken)
    result = run_cli("bds", "check", "bad.txt", "--preetabli", "pre.txt")
    assert result.returncode == 2 and "problème(s) dans bad.txt" in result.stdout
    assert "N_Jours_Declares (colonnes 112-113)" in result.stdout


def test_bds_build_out_to_a_missing_folder_or_a_file_is_exit_2(tmp_path, run_cli):
    from bot.sandbox import load_accounts
    from bot.sandbox.preetabli import make_preetabli

    (tmp_path / "pre.txt").write_text(make_preetabli(load_accounts()[0], "2026-10"), encoding="latin-1")
    (tmp_path / "s.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "fichier").write_text("")
    for out in (tmp_path / "absent", tmp_path / "fichier", tmp_path / ("x" * 300)):
        done = run_cli(
            "bds",
            "build",
            "--preetabli",
            str(tmp_path / "pre.txt"),
            "--salaries",
            str(tmp_path / "s.csv"),
            "--out",
            str(out),
        )
        assert done.returncode == 2 and "--out" in done.stdout + done.stderr, done.stdout + done.stderr


def test_a_superscript_digit_in_an_ebds_number_field_is_a_finding_not_a_crash():
    from bot.ebds.build import build
    from bot.ebds.records import parse

    text = build(PRE, CSV, 600_000)[1]
    broken = set_field(text, 3, "N_Jours_Declares", "2²")
    assert parse(broken)[2].number("N_Jours_Declares") == 0
    assert any("N_Jours_Declares" in p for p in problems_of(broken))


def test_an_unknown_situation_lists_the_codes_with_their_meaning(tmp_path):
    from bot.ebds.layout import SITUATIONS, situations_fr

    words = situations_fr()
    assert all(f"{code} (" in words for code in SITUATIONS if code)
    assert "SO (sorti de l'entreprise)" in words and "CS (congé sans solde)" in words
