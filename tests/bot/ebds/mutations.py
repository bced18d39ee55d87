"""Random valid e-BDS declarations (a hypothesis strategy) and a catalogue of single mutations, each
of which the checker must refuse or warn about.

`python -m tests.bot.ebds.mutations [N]` prints the table kinds × refused / warned / accepted over N
random declarations per kind.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable

from hypothesis import strategies as st

from bot.ebds.build import build_declaration
from bot.ebds.check import b02_ctr, b04_ctr, inspect, recap
from bot.ebds.layout import B03_SUMS, B05_SUMS, OFFSETS
from bot.ebds.records import Record, line, lines_of, parse
from bot.ebds.rules import check_key, insured_key

CAP = 600_000
DIGITS = "0123456789"
FIRST = ["Fatima Zahra", "Youssef", "Khadija", "Hélène", "Aït", "Mohammed", "Noura", "Saïd", "Ñúñez", "Zoé"]
LAST = ["BENNANI", "El Amrani", "Ouazzani", "Ñúñez-Aït", "Lefèvre", "Alaoui", "Berrada", "Chraïbi", "O'Neil"]


# --- random valid inputs ---------------------------------------------------------------------------


@dataclass
class Case:
    preetabli: str
    csv: bytes
    content: str = ""
    kwargs: dict = field(default_factory=dict)


def insured_numbers():
    return (
        st.text(DIGITS, min_size=8, max_size=8)
        .filter(lambda s: s not in ("00000000", "99999999"))
        .map(lambda s: s + str(insured_key(s)))
    )


def make_preetabli(affiliate: str, period: str, employees: list[tuple[str, str, int, int, int]]) -> str:
    """employees: (number, name, children, allowance to pay, allowance to deduct), centimes."""
    base = {"N_Num_Affilie": affiliate, "L_Periode": period}
    lines = [
        line("A00", {"N_Identif_Transfert": f"{affiliate}{period}0", "L_Cat": "A0"}),
        line(
            "A01",
            {
                **base,
                "L_Raison_Sociale": "PHARMACIE DU PORT",
                "L_Activite": "OFFICINE DE PHARMACIE",
                "L_Adresse": "3 RUE DE FES",
                "L_Ville": "TANGER",
                "C_Code_Postal": "90000",
                "C_Code_Agence": "07",
                "D_Date_Emission": f"{period}28",
                "D_Date_Exig": f"{period}28",
            },
        ),
    ]
    for number, name, children, pay, deduct in employees:
        lines.append(
            line(
                "A02",
                {
                    **base,
                    "N_Num_Assure": number,
                    "L_Nom_Prenom": name,
                    "N_Enfants": children,
                    "N_AF_A_Payer": pay,
                    "N_AF_A_Deduire": deduct,
                    "N_AF_Net_A_Payer": pay - deduct,
                },
            )
        )
    lines.append(
        line(
            "A03",
            {
                **base,
                "N_Nbr_Salaries": len(employees),
                "N_T_Enfants": sum(e[2] for e in employees),
                "N_T_AF_A_Payer": sum(e[3] for e in employees),
                "N_T_AF_A_Deduire": sum(e[4] for e in employees),
                "N_T_AF_Net_A_Payer": sum(e[3] - e[4] for e in employees),
                "N_T_Num_Imma": sum(int(e[0]) for e in employees),
            },
        )
    )
    return "\n".join(lines) + "\n"


@st.composite
def pay(draw, situation: str) -> tuple[int, int]:
    """(days, centimes) that raise no warning for this situation."""
    if situation in ("CS", "MS", "MP", "AT") or (situation and draw(st.booleans())):
        return 0, 0
    return draw(st.integers(1, 26)), draw(st.integers(1, 2_500_000))


@st.composite
def cases(draw) -> Case:
    six = draw(st.text(DIGITS, min_size=6, max_size=6))
    affiliate = six + str(check_key(six[1::2], six[0::2]))
    period = f"{draw(st.integers(2003, 2035))}{draw(st.integers(1, 12)):02d}"
    numbers = draw(st.lists(insured_numbers(), min_size=1, max_size=6, unique=True))
    employees, rows = [], []
    for i, number in enumerate(numbers):
        children = draw(st.integers(1 if i == 0 else 0, 6))  # the first always has a net allowance
        to_pay = children * draw(st.integers(0 if i else 1, 300)) * 100
        deduct = draw(st.integers(0, to_pay // 2))
        name = f"{draw(st.sampled_from(LAST))} {draw(st.sampled_from(FIRST))}"
        employees.append((number, line("A02", {"L_Nom_Prenom": name})[25:85].strip(), children, to_pay, deduct))
        situation = draw(st.sampled_from(["", "", "", "SO", "DE", "IT", "IL", "AT", "CS", "MS", "MP"]))
        days, cents = draw(pay(situation))
        rows.append((number, days, cents, situation, "", ""))
    new = draw(st.lists(insured_numbers().filter(lambda n: n not in numbers), max_size=3, unique=True))
    if draw(st.booleans()) and new:
        new[0] = "000000000"  # a new hire not yet registered, known by his CIN
    for number in new:
        days, cents = draw(pay(""))
        cin = draw(st.sampled_from(["BK", "A", "JA", "Z"])) + draw(st.text(DIGITS, min_size=4, max_size=6))
        rows.append((number, days, cents, "", f"{draw(st.sampled_from(FIRST))} {draw(st.sampled_from(LAST))}", cin))
    separator = draw(st.sampled_from([";", ","]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    text = separator.join(("immatriculation", "jours", "salaire_brut", "situation", "nom", "cin")) + "\r\n"
    for number, days, cents, situation, name, cin in rows:
        amount = f"{cents // 100}{',' if separator == ';' else '.'}{cents % 100:02d}"
        text += separator.join((number, str(days), amount, situation, name, cin)) + "\r\n"
    return Case(make_preetabli(affiliate, period, employees), text.encode(encoding))


def sample_case() -> Case:
    """A fixed valid declaration: a worker above the ceiling, a leaver, a CS, a new hire."""
    numbers = [n + str(insured_key(n)) for n in ("11223344", "12345678", "13572468", "10203040")]
    pre = make_preetabli(
        "1234567",
        "202610",
        [
            (numbers[0], "BENNANI FATIMA ZAHRA", 2, 60000, 0),
            (numbers[1], "EL AMRANI YOUSSEF", 0, 0, 0),
            (numbers[2], "OUAZZANI KHADIJA", 1, 30000, 10000),
        ],
    )
    csv = (
        "immatriculation;jours;salaire_brut;situation;nom;cin\n"
        f"{numbers[0]};26;8 200,50;;;\n{numbers[1]};0;0;CS;;\n{numbers[2]};12;2400;SO;;\n"
        f"{numbers[3]};10;2000;;Hélène Ñúñez-Aït;BK123456\n"
    )
    return Case(pre, csv.encode("utf-8"))


def built(case: Case) -> Case:
    case.content = build_declaration(case.preetabli, case.csv, CAP).content
    return case


# --- editing a declaration -------------------------------------------------------------------------


def put(text: str, number: int, name: str, value) -> str:
    """Line `number` (1-based) with field `name` set: numbers zero-padded, text left-aligned, or a raw
    string of the field's exact width."""
    lines = lines_of(text)
    raw = lines[number - 1]
    start, end = OFFSETS[raw[:3]][name]
    width = end - start
    if isinstance(value, int):
        value = str(value).rjust(width, "0")
    elif len(value) != width:
        value = value.ljust(width)[:width]
    lines[number - 1] = raw[:start] + value + raw[end:]
    return "\r\n".join(lines) + "\r\n"


def numbered(text: str, record_type: str) -> list[Record]:
    return [r for r in parse(text) if r.type == record_type]


def placeholder(r: Record) -> bool:
    return r.type == "B04" and not r.field("N_Num_Assure").strip()


def fix_sums(text: str, ctr: bool = True) -> str:
    """Recomputes control sums (unless `ctr` is False) and every total in place, so that a mutation
    breaks one rule only. Unreadable numbers count as 0, as in the checker."""
    lines = lines_of(text)
    if ctr:
        for r in parse(text):
            if r.type in ("B02", "B04") and len(r.raw) == 260 and not placeholder(r):
                value = (b02_ctr if r.type == "B02" else b04_ctr)(r)
                lines[r.line - 1] = put(lines[r.line - 1], 1, "S_Ctr", value).rstrip("\r\n")
    text = "\r\n".join(lines) + "\r\n"
    records = parse(text)
    b02 = [r for r in records if r.type == "B02" and len(r.raw) == 260]
    b04 = [r for r in records if r.type == "B04" and len(r.raw) == 260 and not placeholder(r)]
    totals = {"B03": recap(b02, B03_SUMS), "B05": recap(b04, B05_SUMS)}
    totals["B06"] = {k: totals["B03"][k] + v for k, v in totals["B05"].items()}
    for r in records:
        if r.type in totals and len(r.raw) == 260:
            for name, value in totals[r.type].items():
                text = put(text, r.line, name, value)
    return text


def insert(text: str, after: int, raw: str) -> str:
    lines = lines_of(text)
    return "\r\n".join(lines[:after] + [raw] + lines[after:]) + "\r\n"


def remove(text: str, number: int) -> str:
    lines = lines_of(text)
    return "\r\n".join(lines[: number - 1] + lines[number:]) + "\r\n"


def worker(text: str) -> tuple[str, int]:
    """The first B02, made an ordinary worker (26 days, 4 500 MAD, nothing to return)."""
    r = numbered(text, "B02")[0]
    for name, value in (
        ("L_Situation", ""),
        ("N_Jours_Declares", 26),
        ("N_Salaire_Reel", 450000),
        ("N_Salaire_Plaf", 450000),
        ("N_AF_A_Reverser", 0),
    ):
        text = put(text, r.line, name, value)
    return fix_sums(text), r.line


def new_hire(text: str, number: str = "112345678") -> tuple[str, int]:
    """A valid B04 new employee (added if there is none), its line number."""
    real = [r for r in numbered(text, "B04") if not placeholder(r)]
    if real:
        return text, real[0].line
    slot = numbered(text, "B04")[0]
    affiliate, period = slot.text("N_Num_Affilie"), slot.text("L_Periode")
    number = number[:8] + str(insured_key(number[:8]))
    raw = line(
        "B04",
        {
            "N_Num_Affilie": affiliate,
            "L_Periode": period,
            "N_Num_Assure": number,
            "L_Nom_Prenom": "NOUVEAU SALARIE",
            "L_Num_CIN": "BK123456",
            "N_Nbr_Jours": 26,
            "N_Sal_Reel": 450000,
            "N_Sal_Plaf": 450000,
        },
    )
    lines = lines_of(text)
    lines[slot.line - 1] = raw
    return fix_sums("\r\n".join(lines) + "\r\n"), slot.line


def with_net_allowance(case: Case) -> tuple[str, Record]:
    """The B02 of the first employee (whose net allowance is never 0), made an ordinary worker."""
    text = case.content
    r = next(r for r in numbered(text, "B02") if r.number("N_AF_Net_A_Payer") > 0)
    for name, value in (
        ("L_Situation", ""),
        ("N_Jours_Declares", 26),
        ("N_Salaire_Reel", 450000),
        ("N_Salaire_Plaf", 450000),
        ("N_AF_A_Reverser", 0),
    ):
        text = put(text, r.line, name, value)
    return fix_sums(text), r


# --- the catalogue ---------------------------------------------------------------------------------


@dataclass
class Mutation:
    kind: str
    mention: str  # the field or word the finding must name: refused for the right reason
    apply: Callable[[Case], Case]


def _text(fn):
    """A mutation of the declaration text only."""
    return lambda case: Case(case.preetabli, case.csv, fn(case.content), dict(case.kwargs))


def _b02(fn):
    """fn(text, line) on an ordinary worker's B02."""

    def apply(case):
        text, number = worker(case.content)
        return Case(case.preetabli, case.csv, fn(text, number), dict(case.kwargs))

    return apply


def _b04(fn):
    def apply(case):
        text, number = new_hire(case.content)
        return Case(case.preetabli, case.csv, fn(text, number), dict(case.kwargs))

    return apply


def _pay(days, real, capped, record="B02"):
    names = (
        ("N_Jours_Declares", "N_Salaire_Reel", "N_Salaire_Plaf")
        if record == "B02"
        else ("N_Nbr_Jours", "N_Sal_Reel", "N_Sal_Plaf")
    )

    def edit(t, n):
        for name, value in zip(names, (days, real, capped)):
            t = put(t, n, name, value)
        return fix_sums(t)

    return edit


def _only_placeholder(text: str, **fields) -> str:
    """Every B04 replaced by one empty B04, then `fields` written into it."""
    records = parse(text)
    b04 = [r for r in records if r.type == "B04"]
    lines = lines_of(text)
    first = b04[0]
    raw = line(
        "B04", {"N_Num_Affilie": first.text("N_Num_Affilie"), "L_Periode": first.text("L_Periode"), "N_Num_Assure": ""}
    )
    kept = lines[: first.line - 1] + [raw] + lines[b04[-1].line :]
    text = "\r\n".join(kept) + "\r\n"
    for name, value in fields.items():
        text = put(text, first.line, name, value)
    return fix_sums(text)


def _drop_a(pre: str, record_type: str) -> str:
    lines = lines_of(pre)
    index = next(i for i, line in enumerate(lines) if line.startswith(record_type))
    return "\n".join(lines[:index] + lines[index + 1 :]) + "\n"


def _leaver(situation: str):
    def apply(case):
        text, r = with_net_allowance(case)
        text = put(text, r.line, "L_Situation", situation)
        for name in ("N_Jours_Declares", "N_Salaire_Reel", "N_Salaire_Plaf"):
            text = put(text, r.line, name, 0)
        return Case(case.preetabli, case.csv, fix_sums(text), dict(case.kwargs))

    return apply


def _reverser_raised(case):
    text, r = with_net_allowance(case)
    text = put(text, r.line, "L_Situation", "SO")
    for name in ("N_Jours_Declares", "N_Salaire_Reel", "N_Salaire_Plaf"):
        text = put(text, r.line, name, 0)
    return Case(
        case.preetabli, case.csv, fix_sums(put(text, r.line, "N_AF_A_Reverser", r.number("N_AF_Net_A_Payer") + 50000))
    )


def _later_ceiling(case):
    """A new ceiling from the declared period on: a salary capped at the old one is wrong."""
    text, number = worker(case.content)
    text = fix_sums(put(put(text, number, "N_Salaire_Reel", 900000), number, "N_Salaire_Plaf", CAP))
    period = numbered(text, "B01")[0].text("L_Periode")
    return Case(case.preetabli, case.csv, text, {"caps": {"2002-01": CAP, f"{period[:4]}-{period[4:]}": 700_000}})


def _other_affiliate(case):
    """A 7-digit affiliation number whose last digit is not its check key, everywhere: a warning."""
    b01 = numbered(case.content, "B01")[0]
    affiliate, period = b01.text("N_Num_Affilie"), b01.text("L_Periode")
    wrong = affiliate[:6] + str((int(affiliate[6]) + 1) % 10)

    def everywhere(text: str) -> str:
        lines = [
            line[:3] + wrong + line[10:] if "N_Num_Affilie" in OFFSETS.get(line[:3], {}) else line
            for line in lines_of(text)
        ]
        return "\r\n".join(lines).replace(affiliate + period + "0", wrong + period + "0", 1) + "\r\n"

    return Case(everywhere(case.preetabli).replace("\r\n", "\n"), case.csv, everywhere(case.content))


def _b04_wrong_key(text, n):
    number = numbered(text, "B04")
    r = next(r for r in number if r.line == n)
    value = r.text("N_Num_Assure")
    if value in ("000000000", "999999999"):
        value = "112345678"
    return fix_sums(put(text, n, "N_Num_Assure", value[:8] + str((int(value[8]) + 1) % 10)))


MUTATIONS = [
    Mutation("plafonné au-dessus du plafond (B02)", "N_Salaire_Plaf", _b02(_pay(26, 900000, 700000))),
    Mutation("plafonné = réel au-dessus du plafond (B02)", "N_Salaire_Plaf", _b02(_pay(26, 900000, 900000))),
    Mutation("plafonné sous le réel et le plafond (B02)", "N_Salaire_Plaf", _b02(_pay(26, 900000, 500000))),
    Mutation("plafonné sous un réel inférieur au plafond (B02)", "N_Salaire_Plaf", _b02(_pay(26, 400000, 300000))),
    Mutation("plafonné au-dessus du plafond (B04)", "N_Sal_Plaf", _b04(_pay(26, 900000, 700000, "B04"))),
    Mutation("plafonné = réel au-dessus du plafond (B04)", "N_Sal_Plaf", _b04(_pay(26, 900000, 900000, "B04"))),
    Mutation("plafonné sous le réel et le plafond (B04)", "N_Sal_Plaf", _b04(_pay(26, 900000, 500000, "B04"))),
    Mutation("plafond changé à la période (DAMANCOM_SALARY_CAPS)", "N_Salaire_Plaf", _later_ceiling),
    Mutation(
        "même nouveau salarié deux fois en B04",
        "une seule ligne B04",
        _b04(lambda t, n: fix_sums(insert(t, n, lines_of(t)[n - 1]))),
    ),
    Mutation(
        "salarié à la fois en B02 et en B04",
        "déjà déclaré en B02",
        _b04(lambda t, n: fix_sums(put(t, n, "N_Num_Assure", numbered(t, "B02")[0].text("N_Num_Assure")))),
    ),
    Mutation(
        "B02 en double, sans préétabli",
        "une seule ligne B02",
        lambda c: Case(
            None,
            c.csv,
            fix_sums(insert(c.content, numbered(c.content, "B02")[0].line, numbered(c.content, "B02")[0].raw)),
        ),
    ),
    Mutation(
        "B02 en double, avec préétabli",
        "une seule ligne B02",
        _text(lambda t: fix_sums(insert(t, numbered(t, "B02")[0].line, numbered(t, "B02")[0].raw))),
    ),
    Mutation(
        "B04 vide avec nom et 9 000 MAD",
        "B04 vide",
        _text(
            lambda t: _only_placeholder(t, L_Nom_Prenom="FANTOME", N_Nbr_Jours=26, N_Sal_Reel=900000, N_Sal_Plaf=600000)
        ),
    ),
    Mutation("B04 vide avec 99 jours", "N_Nbr_Jours", _text(lambda t: _only_placeholder(t, N_Nbr_Jours=99))),
    Mutation(
        "B04 vide mêlé à de vrais B04",
        "B04 vide",
        _b04(
            lambda t, n: fix_sums(
                insert(
                    t,
                    n,
                    line(
                        "B04",
                        {
                            "N_Num_Affilie": parse(t)[n - 1].text("N_Num_Affilie"),
                            "L_Periode": parse(t)[n - 1].text("L_Periode"),
                            "N_Num_Assure": "",
                        },
                    ),
                )
            )
        ),
    ),
    Mutation("N_AF_A_Reverser au-delà des allocations nettes", "N_AF_A_Reverser", _reverser_raised),
    Mutation("sortant (SO) sans allocations à reverser", "N_AF_A_Reverser", _leaver("SO")),
    Mutation("décédé (DE) sans allocations à reverser", "N_AF_A_Reverser", _leaver("DE")),
    Mutation(
        "allocations à reverser hors SO/DE (avertissement)",
        "N_AF_A_Reverser",
        lambda c: (lambda t, r: Case(c.preetabli, c.csv, fix_sums(put(t, r.line, "N_AF_A_Reverser", 100))))(
            *with_net_allowance(c)
        ),
    ),
    Mutation(
        "nombre d'enfants changé",
        "N_Enfants",
        _text(
            lambda t: fix_sums(
                put(t, numbered(t, "B02")[0].line, "N_Enfants", (numbered(t, "B02")[0].number("N_Enfants") + 1) % 100)
            )
        ),
    ),
    Mutation(
        "allocations à payer changées",
        "N_AF_A_Payer",
        _text(
            lambda t: fix_sums(
                put(t, numbered(t, "B02")[0].line, "N_AF_A_Payer", numbered(t, "B02")[0].number("N_AF_A_Payer") + 100)
            )
        ),
    ),
    Mutation(
        "nom du salarié changé en B02",
        "L_Nom_Prenom",
        _text(lambda t: put(t, numbered(t, "B02")[0].line, "L_Nom_Prenom", "AUTRE NOM")),
    ),
    Mutation(
        "raison sociale de B01 différente de A01",
        "L_Raison_Sociale",
        _text(lambda t: put(t, 2, "L_Raison_Sociale", "AUTRE SOCIETE")),
    ),
    Mutation(
        "identifiant de transfert changé",
        "N_Identif_Transfert",
        _text(lambda t: put(t, 1, "N_Identif_Transfert", 12345678901234)),
    ),
    Mutation(
        "champ numérique entièrement à blanc",
        "N_Jours_Declares",
        _b02(lambda t, n: put(t, n, "N_Jours_Declares", "  ")),
    ),
    Mutation(
        "total à blanc",
        "N_T_Salaire_Reel",
        _text(lambda t: put(t, numbered(t, "B03")[0].line, "N_T_Salaire_Reel", " " * 15)),
    ),
    Mutation(
        "tabulation dans la zone de remplissage", "filler", _text(lambda t: put(t, 3, "filler", "\t" + " " * 103))
    ),
    Mutation(
        "NUL dans la zone de remplissage", "filler", _text(lambda t: put(t, 3, "filler", " " * 50 + "\x00" + " " * 53))
    ),
    Mutation("lettres dans la zone de remplissage", "filler", _text(lambda t: put(t, 3, "filler", "ABC".rjust(104)))),
    Mutation(
        "nom cadré à droite (B02)",
        "L_Nom_Prenom",
        _text(lambda t: put(t, 3, "L_Nom_Prenom", numbered(t, "B02")[0].text("L_Nom_Prenom").rjust(60))),
    ),
    Mutation(
        "nom cadré à droite (B04)",
        "L_Nom_Prenom",
        _b04(lambda t, n: put(t, n, "L_Nom_Prenom", "NOUVEAU SALARIE".rjust(60))),
    ),
    Mutation(
        "nom en minuscules accentuées (B04)", "L_Nom_Prenom", _b04(lambda t, n: put(t, n, "L_Nom_Prenom", "Hélène"))
    ),
    Mutation(
        "ponctuation dans le nom (B04)", "L_Nom_Prenom", _b04(lambda t, n: put(t, n, "L_Nom_Prenom", "O'NEIL.SARA"))
    ),
    Mutation(
        "« ² » dans un champ numérique", "N_Jours_Declares", _b02(lambda t, n: put(t, n, "N_Jours_Declares", "2²"))
    ),
    Mutation("27 jours", "N_Jours_Declares", _b02(lambda t, n: fix_sums(put(t, n, "N_Jours_Declares", 27)))),
    Mutation("situation inconnue", "L_Situation", _b02(lambda t, n: fix_sums(put(t, n, "L_Situation", "ZZ")))),
    Mutation(
        "MP avec jours et salaire", "N_Jours_Declares", _b02(lambda t, n: fix_sums(put(t, n, "L_Situation", "MP")))
    ),
    Mutation(
        "CS avec salaire",
        "N_Jours_Declares",
        _b02(lambda t, n: fix_sums(put(put(t, n, "L_Situation", "CS"), n, "N_Jours_Declares", 0))),
    ),
    Mutation(
        "AT avec jours et salaire (avertissement)",
        "N_Jours_Declares",
        _b02(lambda t, n: fix_sums(put(t, n, "L_Situation", "AT"))),
    ),
    Mutation("jours sans salaire (avertissement)", "N_Jours_Declares", _b02(_pay(20, 0, 0))),
    Mutation("salaire sans jours (avertissement)", "N_Salaire_Reel", _b02(_pay(0, 300000, 300000))),
    Mutation("ni jours ni salaire sans situation (avertissement)", "L_Situation", _b02(_pay(0, 0, 0))),
    Mutation("S_Ctr faux", "S_Ctr", _b02(lambda t, n: fix_sums(put(t, n, "S_Ctr", 1), ctr=False))),
    Mutation(
        "total B03 faux",
        "N_T_Salaire_Reel",
        _text(
            lambda t: put(
                t, numbered(t, "B03")[0].line, "N_T_Salaire_Reel", numbered(t, "B03")[0].number("N_T_Salaire_Reel") + 1
            )
        ),
    ),
    Mutation(
        "total B06 faux",
        "N_Nbr_Salaries",
        _text(
            lambda t: put(
                t, numbered(t, "B06")[0].line, "N_Nbr_Salaries", numbered(t, "B06")[0].number("N_Nbr_Salaries") + 1
            )
        ),
    ),
    Mutation(
        "B00 et B01 inversés",
        "ordre",
        _text(lambda t: "\r\n".join([lines_of(t)[1], lines_of(t)[0], *lines_of(t)[2:]]) + "\r\n"),
    ),
    Mutation("ligne de 261 caractères", "longueur", _text(lambda t: t.replace("\r\n", " \r\n", 1))),
    Mutation("ligne vide insérée", "type", _text(lambda t: insert(t, 3, ""))),
    Mutation(
        "retour chariot seul dans une ligne", "0x0D", _text(lambda t: put(t, 3, "filler", " " * 10 + "\r" + " " * 93))
    ),
    Mutation(
        "tabulation verticale dans un nom",
        "0x0B",
        _text(lambda t: put(t, 3, "L_Nom_Prenom", numbered(t, "B02")[0].text("L_Nom_Prenom") + "\x0b")),
    ),
    Mutation("salarié du préétabli absent", "absent", _text(lambda t: fix_sums(remove(t, numbered(t, "B02")[0].line)))),
    Mutation(
        "numéro d'affiliation changé sur une ligne",
        "N_Num_Affilie",
        _text(lambda t: put(t, 3, "N_Num_Affilie", "7654321")),
    ),
    Mutation("période changée sur une ligne", "L_Periode", _text(lambda t: put(t, 3, "L_Periode", "199901"))),
    Mutation(
        "date d'émission impossible", "D_Date_Emission", _text(lambda t: put(t, 2, "D_Date_Emission", "20261345"))
    ),
    Mutation("minuscules accentuées dans la ville (B01)", "L_Ville", _text(lambda t: put(t, 2, "L_Ville", "Fès"))),
    Mutation("nouveau salarié sans nom", "L_Nom_Prenom", _b04(lambda t, n: put(t, n, "L_Nom_Prenom", ""))),
    Mutation(
        "000000000 sans CIN",
        "L_Num_CIN",
        _b04(lambda t, n: fix_sums(put(put(t, n, "N_Num_Assure", "000000000"), n, "L_Num_CIN", ""))),
    ),
    Mutation("clé de contrôle fausse en B04 (avertissement)", "clé de contrôle", _b04(_b04_wrong_key)),
    Mutation("clé du numéro d'affiliation fausse (avertissement)", "clé de contrôle", _other_affiliate),
    Mutation("préétabli sans A03", "A03", lambda c: Case(_drop_a(c.preetabli, "A03"), c.csv, c.content)),
    Mutation("préétabli sans un A02", "A02", lambda c: Case(_drop_a(c.preetabli, "A02"), c.csv, c.content)),
]


def outcome(mutation: Mutation, case: Case) -> tuple[str, list[str]]:
    """(« refusé », « averti » or « accepté », the messages)."""
    changed = mutation.apply(case)
    found = inspect(changed.content, preetabli=changed.preetabli, **changed.kwargs)
    if found.errors:
        return "refusé", [str(p) for p in found.errors]
    if found.warnings:
        return "averti", [str(p) for p in found.warnings]
    return "accepté", []


def table(per_kind: int = 20) -> str:
    import warnings

    from hypothesis.errors import NonInteractiveExampleWarning

    warnings.simplefilter("ignore", NonInteractiveExampleWarning)
    rows = ["| mutation | refusé | averti | accepté | raison nommée |", "| --- | --- | --- | --- | --- |"]
    for mutation in MUTATIONS:
        counts = {"refusé": 0, "averti": 0, "accepté": 0}
        named = 0
        for _ in range(per_kind):
            case = built(cases().example())
            base = inspect(case.content, preetabli=case.preetabli)
            assert not base.errors and not base.warnings, "a random declaration should check clean"
            verdict, messages = outcome(mutation, case)
            counts[verdict] += 1
            named += any(mutation.mention in m for m in messages)
        rows.append(
            f"| {mutation.kind} | {counts['refusé']} | {counts['averti']} | {counts['accepté']} | {named}/{per_kind} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    print(table(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
