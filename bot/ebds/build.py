"""Builds a declaration (B00–B06) from the préétabli and a salaries CSV, for employers without
payroll software. The result is checked before it is returned: it never writes a bad file."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from bot.ebds.check import b02_ctr, b04_ctr, check, recap
from bot.ebds.layout import B03_SUMS, B05_SUMS, NO_PAY_SITUATIONS, RECORDS, SITUATIONS, situations_fr
from bot.ebds.records import Record, line, parse
from bot.errors import BadInput as _BadInput

COLUMNS = ("immatriculation", "jours", "salaire_brut", "situation", "nom", "cin")


class BadInput(_BadInput):
    """A CSV or préétabli the bot cannot turn into a valid declaration (exit 2)."""


@dataclass
class Row:
    line: int
    number: str
    days: int
    salary: int  # centimes
    situation: str
    name: str
    cin: str


def read_salaries(text: str) -> list[Row]:
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else "a;b", delimiters=";,\t")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise BadInput(f"Le fichier des salaires n'a pas les colonnes {', '.join(missing)} ; colonnes attendues : "
                       f"{', '.join(COLUMNS)} (situation, nom et cin facultatifs).")
    rows = []
    for number, raw in enumerate(reader, start=2):
        item = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        where = f"ligne {number} du fichier des salaires"
        if not re.fullmatch(r"[0-9]{1,9}", item["immatriculation"]):
            raise BadInput(f"{where} : immatriculation « {item['immatriculation']} » invalide (jusqu'à 9 chiffres).")
        if not re.fullmatch(r"[0-9]{1,2}", item["jours"]):
            raise BadInput(f"{where} : nombre de jours « {item['jours']} » invalide.")
        amount = item["salaire_brut"].replace(" ", "").replace("\u00a0", "").replace(",", ".")
        if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,2})?", amount):
            raise BadInput(f"{where} : salaire « {item['salaire_brut']} » invalide (exemple : 4500,00).")
        situation = item.get("situation", "").upper()
        if situation not in SITUATIONS:
            raise BadInput(f"{where} : situation « {situation} » inconnue ; codes possibles : {situations_fr()}.")
        rows.append(Row(number, item["immatriculation"].zfill(9), int(item["jours"]), round(float(amount) * 100),
                        situation, item.get("nom", ""), item.get("cin", "")))
    return rows


def build(preetabli: str, salaries: str, cap: int) -> tuple[str, str]:
    """Returns (file name DS_<affilie>_<MMAAAA>.txt, content)."""
    pre = parse(preetabli)
    a00, a01 = _one(pre, "A00"), _one(pre, "A01")
    employees = [r for r in pre if r.type == "A02"]
    rows = {r.number: r for r in read_salaries(salaries)}
    affiliate, period = a01.text("N_Num_Affilie"), a01.text("L_Periode")
    lines = [line("B00", {"N_Identif_Transfert": a00.text("N_Identif_Transfert"), "L_Cat": "B0"}),
             line("B01", {name: a01.fields[name] for name, _ in RECORDS["A01"]})]
    b02 = []
    for employee in employees:
        number = employee.text("N_Num_Assure")
        row = rows.pop(number, None)
        if row is None:
            raise BadInput(f"Le salarié {number} ({employee.text('L_Nom_Prenom')}) du préétabli manque dans le "
                           "fichier des salaires : ajoutez sa ligne (situation SO s'il est sorti).")
        values = _pay(row, cap)
        values.update({k: employee.fields[k] for k in ("N_Num_Affilie", "L_Periode", "N_Num_Assure", "L_Nom_Prenom",
                                                        "N_Enfants", "N_AF_A_Payer", "N_AF_A_Deduire",
                                                        "N_AF_Net_A_Payer")})
        values.update(N_AF_A_Reverser=0, L_Situation=row.situation)
        b02.append(values)
    new = []
    for row in rows.values():
        if not row.name or not row.cin:
            raise BadInput(f"Ligne {row.line} du fichier des salaires : {row.number} n'est pas dans le préétabli ; "
                           "pour un nouveau salarié, indiquez son nom et son CIN.")
        pay = _pay(row, cap)
        new.append({"N_Num_Affilie": affiliate, "L_Periode": period, "N_Num_Assure": row.number,
                    "L_Nom_Prenom": row.name, "L_Num_CIN": row.cin, "N_Nbr_Jours": pay["N_Jours_Declares"],
                    "N_Sal_Reel": pay["N_Salaire_Reel"], "N_Sal_Plaf": pay["N_Salaire_Plaf"]})
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
    problems = check(content, preetabli=preetabli)
    if problems:  # a bug here, or a préétabli the layout does not describe
        raise BadInput("La déclaration construite n'est pas valide : " + " ; ".join(map(str, problems[:5])))
    return f"DS_{affiliate}_{period[4:]}{period[:4]}.txt", content


def _pay(row: Row, cap: int) -> dict[str, int]:
    if row.situation in NO_PAY_SITUATIONS:
        if row.days or row.salary:
            raise BadInput(f"Ligne {row.line} du fichier des salaires : en situation {row.situation}, jours et "
                           "salaire doivent être à 0.")
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
        raise BadInput(f"Le préétabli doit contenir exactement un enregistrement {record_type} (trouvé : {len(found)}).")
    return found[0]
