"""Builds a declaration (B00–B06) from the préétabli and a salaries CSV, for employers without
payroll software. The result is checked before it is returned: it never writes a bad file."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ebds.check import Problem, b02_ctr, b04_ctr, check_preetabli, inspect, recap
from bot.ebds.layout import B03_SUMS, B05_SUMS, NO_PAY_SITUATIONS, RECORDS
from bot.ebds.records import Record, line, parse
from bot.ebds.rules import LEAVING, ZERO_PAY_MP
from bot.ebds.salaries import COLUMNS, BadSalaries, Row, read_salaries  # noqa: F401 (COLUMNS re-exported)

BadInput = BadSalaries  # a CSV or préétabli the bot cannot turn into a valid declaration (exit 2)


@dataclass
class Built:
    name: str  # DS_<affilie>_<MMAAAA>.txt
    content: str
    changes: list[str]  # every name or CIN put into the portal's alphabet
    warnings: list[Problem]  # suspicious but legal: shown, not refused (a bounded list)
    encoding: str  # of the salaries CSV, as found
    more_warnings: int = 0  # found beyond the list


def build(preetabli: str, salaries: bytes | str, cap: int) -> tuple[str, str]:
    """Returns (file name DS_<affilie>_<MMAAAA>.txt, content)."""
    built = build_declaration(preetabli, salaries, cap)
    return built.name, built.content


def build_declaration(preetabli: str, salaries: bytes | str, cap: int) -> Built:
    pre = parse(preetabli)
    a00, a01 = _one(pre, "A00"), _one(pre, "A01")
    broken = check_preetabli(pre)
    if broken:  # without its A03 recap, an employee dropped from the préétabli would vanish silently
        raise BadInput(
            "Le préétabli n'est pas complet ou pas cohérent, rien n'a été construit : "
            + " ; ".join(map(str, broken[:5]))
            + ". Téléchargez-le à nouveau depuis Damancom."
        )
    employees = [r for r in pre if r.type == "A02"]
    table = read_salaries(salaries)
    known = {e.text("N_Num_Assure") for e in employees}
    rows: dict[str, Row] = {row.number: row for row in table.rows if row.number in known}  # no duplicates (CSV check)
    new_rows = [row for row in table.rows if row.number not in known]
    affiliate, period = a01.text("N_Num_Affilie"), a01.text("L_Periode")
    lines = [
        line("B00", {"N_Identif_Transfert": a00.text("N_Identif_Transfert"), "L_Cat": "B0"}),
        line("B01", {name: a01.fields[name] for name, _ in RECORDS["A01"]}),
    ]
    b02 = []
    for employee in employees:
        number = employee.text("N_Num_Assure")
        row = rows.pop(number, None)
        if row is None:
            raise BadInput(
                f"Le salarié {number} ({employee.text('L_Nom_Prenom')}) du préétabli manque dans le "
                "fichier des salaires : ajoutez sa ligne (situation SO s'il est sorti)."
            )
        values = _pay(row, cap)
        values.update(
            {
                k: employee.fields[k]
                for k in (
                    "N_Num_Affilie",
                    "L_Periode",
                    "N_Num_Assure",
                    "L_Nom_Prenom",
                    "N_Enfants",
                    "N_AF_A_Payer",
                    "N_AF_A_Deduire",
                    "N_AF_Net_A_Payer",
                )
            }
        )
        # [IMPL] a leaver's (SO) or a deceased's (DE) net allowance of the month goes back to the CNSS
        reverser = employee.number("N_AF_Net_A_Payer") if row.situation in LEAVING else 0
        values.update(N_AF_A_Reverser=reverser, L_Situation=row.situation)
        b02.append(values)
    new = []
    for row in new_rows:
        if not row.name or not row.cin:
            raise BadInput(
                f"Ligne {row.line} du fichier des salaires : {row.number} n'est pas dans le préétabli ; "
                "pour un nouveau salarié, indiquez son nom et son CIN."
            )
        pay = _pay(row, cap)
        new.append(
            {
                "N_Num_Affilie": affiliate,
                "L_Periode": period,
                "N_Num_Assure": row.number,
                "L_Nom_Prenom": row.name,
                "L_Num_CIN": row.cin,
                "N_Nbr_Jours": pay["N_Jours_Declares"],
                "N_Sal_Reel": pay["N_Salaire_Reel"],
                "N_Sal_Plaf": pay["N_Salaire_Plaf"],
            }
        )
    b02_lines = [_with_ctr("B02", v, b02_ctr) for v in b02]
    b04_lines = [_with_ctr("B04", v, b04_ctr) for v in new]
    identity = {"N_Num_Affilie": affiliate, "L_Periode": period}
    b03 = recap(parse("\n".join(b02_lines)), B03_SUMS)
    b05 = recap(parse("\n".join(b04_lines)), B05_SUMS)
    lines += b02_lines + [line("B03", {**identity, **b03})]
    # a single empty B04 when there is no new employee
    lines += b04_lines or [line("B04", {**identity, "N_Num_Assure": ""})]
    lines.append(line("B05", {**identity, **b05}))
    lines.append(line("B06", {**identity, **{k: b03[k] + v for k, v in b05.items()}}))
    content = "\r\n".join(lines) + "\r\n"
    found = inspect(content, preetabli=preetabli, caps={"0000-01": cap})
    if found.errors:  # a bug here, or a préétabli the layout does not describe
        raise BadInput("La déclaration construite n'est pas valide : " + " ; ".join(map(str, found.errors[:5])))
    return Built(
        f"DS_{affiliate}_{period[4:]}{period[:4]}.txt",
        content,
        table.changes,
        found.warnings,
        table.encoding,
        found.more_warnings,
    )


def _pay(row: Row, cap: int) -> dict[str, int]:
    if row.situation in NO_PAY_SITUATIONS | ZERO_PAY_MP:
        if row.days or row.salary:
            raise BadInput(
                f"Ligne {row.line} du fichier des salaires : en situation {row.situation}, jours et "
                "salaire doivent être à 0."
            )
        return {"N_Jours_Declares": 0, "N_Salaire_Reel": 0, "N_Salaire_Plaf": 0}
    if row.days > 26:
        raise BadInput(f"Ligne {row.line} du fichier des salaires : {row.days} jours ; 26 au plus par mois.")
    return {"N_Jours_Declares": row.days, "N_Salaire_Reel": row.salary, "N_Salaire_Plaf": min(row.salary, cap)}


def _with_ctr(record_type: str, values: dict, ctr) -> str:
    values = dict(values)
    probe = parse(line(record_type, values))[0]
    values["S_Ctr"] = ctr(probe)
    return line(record_type, values)


def _one(records: list[Record], record_type: str) -> Record:
    found = [r for r in records if r.type == record_type]
    if len(found) != 1:
        raise BadInput(
            f"Le préétabli doit contenir exactement un enregistrement {record_type} (trouvé : {len(found)})."
        )
    return found[0]
