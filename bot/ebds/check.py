"""Checks a declaration file (B00–B06) against the layout, its own totals and the préétabli.

Every problem names its line, record, field and columns, with what was found and what was
expected, in French: what a pharmacist (or their payroll software) needs to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.ebds.layout import (B03_SUMS, B05_SUMS, MAX_DAYS, NO_PAY_SITUATIONS, RECORD_LENGTH, RECORDS, SITUATIONS,
                             columns, kind, situations_fr)
from bot.ebds.records import Record, parse

_AN_OK = re.compile(r"[A-Z0-9 .,'/&()\-_:+*]*")


@dataclass(frozen=True)
class Problem:
    line: int
    record: str
    field: str
    found: str
    expected: str

    def __str__(self) -> str:
        where = f"ligne {self.line}, enregistrement {self.record or '?'}"
        if self.field and self.record in RECORDS and self.field in dict(RECORDS[self.record]):
            first, last = columns(self.record, self.field)
            where += f", champ {self.field} (colonnes {first}-{last})"
        elif self.field:
            where += f", {self.field}"
        return f"{where} : trouvé « {self.found} », attendu {self.expected}."


def check(text: str, *, preetabli: str | None = None, affiliate: str | None = None,
          period: str | None = None) -> list[Problem]:
    """`period` as AAAA-MM or AAAAMM; `affiliate` the 7-digit affiliation number."""
    records = parse(text)
    problems: list[Problem] = []
    add = lambda r, f, found, expected: problems.append(Problem(r.line if r else 0, r.type if r else "", f,  # noqa: E731
                                                                 str(found), expected))
    for record in records:
        _check_format(record, add)
    _check_order(records, add)
    b = {t: [r for r in records if r.type == t] for t in ("B00", "B01", "B02", "B03", "B04", "B05", "B06")}
    _check_identity(records, b, affiliate, period, add)
    new_ones = [r for r in b["B04"] if r.text("N_Num_Assure")]
    _check_lines(b["B02"], new_ones, add)
    _check_totals(b, new_ones, add)
    if preetabli is not None:
        _check_against_preetabli(parse(preetabli), b, add)
    return problems


def _check_format(record: Record, add) -> None:
    if len(record.raw) != RECORD_LENGTH:
        add(record, "longueur", len(record.raw), f"{RECORD_LENGTH} caractères")
    if record.type not in RECORDS or not record.type.startswith("B"):
        add(record, "type", record.type, "un enregistrement B00 à B06")
        return
    for name, value in record.fields.items():
        shown = value.strip() or value
        if kind(name) == "N" and value.strip() and not (value.isascii() and value.isdigit()):
            add(record, name, shown, "des chiffres seulement, cadrés à droite avec des zéros")
        elif kind(name) == "D" and value.strip():
            if not _is_date(value):
                add(record, name, shown, "une date AAAAMMJJ")
        elif kind(name) == "AN" and not _AN_OK.fullmatch(value):
            add(record, name, shown, "des majuscules sans accents")


def _is_date(value: str) -> bool:
    try:
        date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        return value.isascii() and value.isdigit()
    except ValueError:
        return False


def _check_order(records: list[Record], add) -> None:
    expected = "B00 B01 B02* B03 B04+ B05 B06"
    types = " ".join(r.type for r in records)
    if not re.fullmatch(r"B00 B01( B02)* B03( B04)+ B05 B06", types):
        first = records[0] if records else None
        add(first, "ordre des enregistrements", types[:60] + ("…" if len(types) > 60 else ""), expected)


def _check_identity(records, b, affiliate, period, add) -> None:
    wanted_period = period.replace("-", "") if period else (b["B01"][0].text("L_Periode") if b["B01"] else None)
    wanted_affiliate = affiliate or (b["B01"][0].text("N_Num_Affilie") if b["B01"] else None)
    for record in records:
        if "N_Num_Affilie" in record.fields and wanted_affiliate and record.text("N_Num_Affilie") != wanted_affiliate:
            add(record, "N_Num_Affilie", record.text("N_Num_Affilie"), f"le numéro d'affiliation {wanted_affiliate}")
        if "L_Periode" in record.fields and wanted_period and record.text("L_Periode") != wanted_period:
            add(record, "L_Periode", record.text("L_Periode"), f"la période {wanted_period}")
    for r in b["B00"]:
        if r.text("L_Cat") != "B0":
            add(r, "L_Cat", r.text("L_Cat"), "« B0 » (déclaration principale)")


def b02_ctr(r: Record) -> int:
    return (r.number("N_Num_Assure") + r.number("N_AF_A_Reverser") + r.number("N_Jours_Declares")
            + r.number("N_Salaire_Reel") + r.number("N_Salaire_Plaf") + SITUATIONS.get(r.text("L_Situation"), 0))


def b04_ctr(r: Record) -> int:
    return r.number("N_Num_Assure") + r.number("N_Nbr_Jours") + r.number("N_Sal_Reel") + r.number("N_Sal_Plaf")


def _check_lines(b02: list[Record], b04: list[Record], add) -> None:
    for r in b02:
        situation = r.text("L_Situation")
        if situation not in SITUATIONS:
            add(r, "L_Situation", situation, f"un code de situation connu : {situations_fr()}")
        if r.number("N_Jours_Declares") > MAX_DAYS:
            add(r, "N_Jours_Declares", r.number("N_Jours_Declares"), f"au plus {MAX_DAYS} jours")
        if situation in NO_PAY_SITUATIONS and (r.number("N_Jours_Declares") or r.number("N_Salaire_Reel")):
            add(r, "N_Jours_Declares", r.number("N_Jours_Declares"), f"0 jour et 0 salaire en situation {situation}")
        if r.number("N_Salaire_Plaf") > r.number("N_Salaire_Reel"):
            add(r, "N_Salaire_Plaf", r.number("N_Salaire_Plaf"), "au plus le salaire réel")
        if r.number("S_Ctr") != b02_ctr(r):
            add(r, "S_Ctr", r.number("S_Ctr"), f"{b02_ctr(r)} (somme de contrôle)")
    for r in b04:
        if r.number("N_Nbr_Jours") > MAX_DAYS:
            add(r, "N_Nbr_Jours", r.number("N_Nbr_Jours"), f"au plus {MAX_DAYS} jours")
        if r.number("S_Ctr") != b04_ctr(r):
            add(r, "S_Ctr", r.number("S_Ctr"), f"{b04_ctr(r)} (somme de contrôle)")


def _expect(record: Record | None, name: str, value: int, add, what: str) -> None:
    if record is not None and record.number(name) != value:
        add(record, name, record.number(name), f"{value} ({what})")


def recap(lines: list[Record], sums: dict[str, str]) -> dict[str, int]:
    """What a recap record must hold for these lines."""
    totals = {total: sum(r.number(source) for r in lines) for total, source in sums.items()}
    totals["N_Nbr_Salaries"] = len(lines)
    return totals


def _check_totals(b, b04: list[Record], add) -> None:
    b03 = b["B03"][0] if b["B03"] else None
    b05 = b["B05"][0] if b["B05"] else None
    b06 = b["B06"][0] if b["B06"] else None
    of_b02, of_b04 = recap(b["B02"], B03_SUMS), recap(b04, B05_SUMS)
    b03_why = {"N_Nbr_Salaries": "nombre de lignes B02", "N_T_Ctr": "somme des S_Ctr des B02"}
    for name, value in of_b02.items():
        _expect(b03, name, value, add, b03_why.get(name, "somme des lignes B02"))
    for name, value in of_b04.items():
        _expect(b05, name, value, add, "nombre de nouveaux salariés B04" if name == "N_Nbr_Salaries"
                else "somme des lignes B04")
    # B06 against the lines themselves: a wrong B03 is reported once, on B03, not again on B06.
    for name, value in of_b04.items():
        _expect(b06, name, of_b02[name] + value, add, "B03 + B05")


def _check_against_preetabli(pre: list[Record], b, add) -> None:
    a00 = next((r for r in pre if r.type == "A00"), None)
    a01 = next((r for r in pre if r.type == "A01"), None)
    if a00 and b["B00"] and b["B00"][0].text("N_Identif_Transfert") != a00.text("N_Identif_Transfert"):
        add(b["B00"][0], "N_Identif_Transfert", b["B00"][0].text("N_Identif_Transfert"),
            f"{a00.text('N_Identif_Transfert')} (celui du préétabli)")
    if a01 and b["B01"]:
        for name in ("N_Num_Affilie", "L_Periode"):
            if b["B01"][0].text(name) != a01.text(name):
                add(b["B01"][0], name, b["B01"][0].text(name), f"{a01.text(name)} (celui du préétabli)")
    expected = {r.text("N_Num_Assure"): r for r in pre if r.type == "A02"}
    seen: dict[str, int] = {}
    for r in b["B02"]:
        number = r.text("N_Num_Assure")
        seen[number] = seen.get(number, 0) + 1
        if number not in expected:
            add(r, "N_Num_Assure", number, "un salarié du préétabli (un nouveau salarié va en B04)")
        elif seen[number] == 2:
            add(r, "N_Num_Assure", number, "une seule ligne B02 par salarié")
    last = b["B02"][-1] if b["B02"] else (b["B01"][0] if b["B01"] else None)
    for number, a02 in expected.items():
        if number not in seen:
            add(last, "N_Num_Assure", "absent", f"une ligne B02 pour {number} ({a02.text('L_Nom_Prenom')}) du préétabli")
