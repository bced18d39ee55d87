"""The per-line rules of a declaration, one line of data each: which records, which field, the test
(None when the line is fine, else (found, expected)), error or warning, and where the rule comes from
(tags explained in check.py: [CDC] the layout, [IMPL] public implementations, [ODOO] one module,
[CAP] the dated ceiling, [OURS] our own reading, as warnings only)."""

from __future__ import annotations

from typing import Callable, NamedTuple

from bot.ebds.layout import MAX_DAYS, NO_PAY_SITUATIONS, NOT_YET_REGISTERED, OCCASIONAL, SITUATIONS, situations_fr

DAYS = {"B02": "N_Jours_Declares", "B04": "N_Nbr_Jours"}
REAL = {"B02": "N_Salaire_Reel", "B04": "N_Sal_Reel"}
CAPPED = {"B02": "N_Salaire_Plaf", "B04": "N_Sal_Plaf"}
A03_SUMS = {
    "N_T_Enfants": "N_Enfants",
    "N_T_AF_A_Payer": "N_AF_A_Payer",
    "N_T_AF_A_Deduire": "N_AF_A_Deduire",
    "N_T_AF_Net_A_Payer": "N_AF_Net_A_Payer",
    "N_T_Num_Imma": "N_Num_Assure",
}
LEAVING = {"SO", "DE"}  # sortant, décédé: the family allowance of the month goes back to the CNSS
ZERO_PAY_MP = {"MP"}  # maladie professionnelle: the insurer pays, not the employer


class Rule(NamedTuple):
    records: tuple[str, ...]
    field: str | dict
    test: Callable
    warning: bool
    source: str


def _days(r):
    return r.number(DAYS[r.type])


def _real(r):
    return r.number(REAL[r.type])


def _capped(r):
    return r.number(CAPPED[r.type])


def _situation(r):
    return r.text("L_Situation") if r.type == "B02" else ""


def _money(centimes: int) -> str:
    return f"{centimes / 100:,.2f} MAD".replace(",", " ").replace(".", ",")


def _if(condition: bool, found, expected: str):
    return (found, expected) if condition else None


def check_key(doubled: str, plain: str) -> int:
    unit = (sum(int(c) for c in doubled) * 2 + sum(int(c) for c in plain)) % 10
    return 0 if unit == 0 else 10 - unit


def affiliate_key_ok(number: str) -> bool:
    """[ODOO] affiliation number C1..C7: C7 = 10 - units of ((C2+C4+C6)×2 + C1+C3+C5), 0 for 10."""
    return not (len(number) == 7 and number.isascii() and number.isdigit()) or check_key(
        number[1:6:2], number[0:6:2]
    ) == int(number[6])


def insured_key(first_eight: str) -> int:
    """[ODOO] insured number C1..C9: C9 = 10 - units of ((C2+C4+C6+C8)×2 + C3+C5+C7), 0 for 10 (C1 not used)."""
    return check_key(first_eight[1:8:2], first_eight[2:8:2])


def insured_key_ok(number: str) -> bool:
    if number in (NOT_YET_REGISTERED, OCCASIONAL) or not (len(number) == 9 and number.isascii() and number.isdigit()):
        return True
    return insured_key(number[:8]) == int(number[8])


LINE_RULES = [
    Rule(
        ("B02",),
        "L_Situation",
        lambda r, c: _if(
            _situation(r) not in SITUATIONS, _situation(r), "un code de situation connu : " + situations_fr()
        ),
        False,
        "[CDC] L_Situation codes",
    ),
    Rule(
        ("B02", "B04"),
        DAYS,
        lambda r, c: _if(_days(r) > MAX_DAYS, _days(r), f"au plus {MAX_DAYS} jours"),
        False,
        "[CDC] 26 days at most",
    ),
    Rule(
        ("B02",),
        DAYS,
        lambda r, c: _if(
            _situation(r) in NO_PAY_SITUATIONS and (_days(r) or _real(r)),
            _days(r),
            f"0 jour et 0 salaire en situation {_situation(r)}",
        ),
        False,
        "[CDC] CS and MS: days and salaries zero",
    ),
    Rule(
        ("B02",),
        DAYS,
        lambda r, c: _if(
            _situation(r) in ZERO_PAY_MP and (_days(r) or _real(r)),
            _days(r),
            f"0 jour et 0 salaire en situation {_situation(r)} (maladie professionnelle)",
        ),
        False,
        "[IMPL] MP with 0 days and 0 salary",
    ),
    Rule(
        ("B02",),
        DAYS,
        lambda r, c: _if(
            _situation(r) == "AT" and (_days(r) or _real(r)),
            _days(r),
            "en général 0 jour et 0 salaire en situation AT (accident du travail) : vérifiez",
        ),
        True,
        "[IMPL] AT with 0 days and 0 salary (less certain: a warning)",
    ),
    Rule(
        ("B02", "B04"),
        CAPPED,
        lambda r, c: _if(
            c["cap"] is not None and _capped(r) != min(_real(r), c["cap"]),
            _capped(r),
            f"{min(_real(r), c['cap'] or 0)} (le salaire réel plafonné à {_money(c['cap'] or 0)}, "
            "plafond en vigueur pour la période)",
        ),
        False,
        "[CDC] capped salary + [CAP] ceiling in force + [IMPL] min(real, ceiling)",
    ),
    Rule(
        ("B02",),
        "S_Ctr",
        lambda r, c: _if(
            r.number("S_Ctr") != c["b02_ctr"](r), r.number("S_Ctr"), f"{c['b02_ctr'](r)} (somme de contrôle)"
        ),
        False,
        "[CDC] B02 S_Ctr",
    ),
    Rule(
        ("B04",),
        "S_Ctr",
        lambda r, c: _if(
            r.number("S_Ctr") != c["b04_ctr"](r), r.number("S_Ctr"), f"{c['b04_ctr'](r)} (somme de contrôle)"
        ),
        False,
        "[CDC] B04 S_Ctr",
    ),
    Rule(
        ("B02",),
        "N_AF_A_Reverser",
        lambda r, c: _if(
            r.number("N_AF_A_Reverser") > r.number("N_AF_Net_A_Payer"),
            r.number("N_AF_A_Reverser"),
            f"au plus {r.number('N_AF_Net_A_Payer')} (les allocations nettes versées, N_AF_Net_A_Payer)",
        ),
        False,
        "[CDC] fields + [OURS] one cannot return more than was paid",
    ),
    Rule(
        ("B02",),
        "N_AF_A_Reverser",
        lambda r, c: _if(
            _situation(r) in LEAVING and r.number("N_AF_A_Reverser") != r.number("N_AF_Net_A_Payer"),
            r.number("N_AF_A_Reverser"),
            f"{r.number('N_AF_Net_A_Payer')} (en situation {_situation(r)}, "
            "les allocations nettes du préétabli sont à reverser)",
        ),
        False,
        "[IMPL] SO/DE: allowance to return = net allowance",
    ),
    Rule(
        ("B02",),
        "N_AF_A_Reverser",
        lambda r, c: _if(
            _situation(r) not in LEAVING and r.number("N_AF_A_Reverser") > 0,
            r.number("N_AF_A_Reverser"),
            "0 en général hors sortie (SO) ou décès (DE) : vérifiez",
        ),
        True,
        "[OURS] allowance returned outside SO/DE",
    ),
    Rule(
        ("B02", "B04"),
        DAYS,
        lambda r, c: _if(
            _days(r) > 0 and _real(r) == 0, _days(r), "un salaire pour ces jours déclarés (salaire réel à 0) : vérifiez"
        ),
        True,
        "[OURS] days with zero salary",
    ),
    Rule(
        ("B02", "B04"),
        REAL,
        lambda r, c: _if(
            _real(r) > 0 and _days(r) == 0, _real(r), "des jours déclarés pour ce salaire (0 jour) : vérifiez"
        ),
        True,
        "[OURS] salary with zero days",
    ),
    Rule(
        ("B02",),
        "L_Situation",
        lambda r, c: _if(
            _situation(r) == "" and _days(r) == 0 and _real(r) == 0,
            "vide",
            "une situation (SO, CS, MS, IT, IL, …) pour un salarié sans jours ni salaire : vérifiez",
        ),
        True,
        "[OURS] no days, no salary, no situation",
    ),
    Rule(
        ("B04",),
        "L_Nom_Prenom",
        lambda r, c: _if(not r.text("L_Nom_Prenom"), "vide", "le nom et prénom du nouveau salarié"),
        False,
        "[CDC] one B04 per new employee, with his name",
    ),
    Rule(
        ("B04",),
        "L_Num_CIN",
        lambda r, c: _if(
            r.text("N_Num_Assure") == NOT_YET_REGISTERED and not r.text("L_Num_CIN"),
            "vide",
            "le CIN du salarié déclaré sans numéro d'immatriculation (000000000)",
        ),
        False,
        "[IMPL] 000000000 for a new hire with a CIN",
    ),
    Rule(
        ("B04",),
        "L_Num_CIN",
        lambda r, c: _if(
            r.text("N_Num_Assure") != NOT_YET_REGISTERED and not r.text("L_Num_CIN"),
            "vide",
            "le CIN du nouveau salarié (recommandé)",
        ),
        True,
        "[OURS] new hire without a CIN",
    ),
    Rule(
        ("B04",),
        "N_Num_Assure",
        lambda r, c: _if(
            not insured_key_ok(r.text("N_Num_Assure")),
            r.text("N_Num_Assure"),
            "un numéro dont le dernier chiffre est la clé de contrôle : vérifiez le numéro d'immatriculation",
        ),
        True,
        "[ODOO] check digit (one source: a warning)",
    ),
]
