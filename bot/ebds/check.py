"""Checks a declaration file (B00–B06) against the layout, its own totals, the salary ceiling and the
préétabli. `check` returns the errors (the file is refused); `inspect` returns errors and warnings.

Sources, cited on each rule as [tag]:
- [CDC]  the CNSS « Cahier des charges e-BDS » v2 as described in shared/reference/cnss-ebds-v2.md;
- [IMPL] public payroll implementations of the same file (two Odoo modules) as summarised in
         issue 15, including their excerpt of the CNSS specification's change log;
- [ODOO] one public Odoo « Damancom » module (damancom_utils.py), which quotes the check-digit
         algorithm of the specification's section IV-4: one source only, so a warning, not a refusal;
- [CAP]  the monthly salary ceiling in force for the period (bot/ebds/cap.py, 6 000 MAD since 2002);
- [OURS] our own reading: suspicious but legal, shown as a warning.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Mapping

from bot.ebds import rules
from bot.ebds.cap import DEFAULT as DEFAULT_CAPS
from bot.ebds.cap import cap_for
from bot.ebds.findings import Findings, Problem
from bot.ebds.layout import (
    B03_SUMS,
    B05_SUMS,
    CHARACTERS,
    NOT_YET_REGISTERED,
    OCCASIONAL,
    OFFSETS,
    RECORD_LENGTH,
    RECORDS,
    SITUATIONS,
    TEXT_CHARACTERS,
    kind,
)
from bot.ebds.records import Record, mixed_line_ends, parse
from bot.ebds.textfile import not_text
from bot.errors import ConfigError

__all__ = ["Problem", "Findings", "check", "inspect", "check_preetabli", "b02_ctr", "b04_ctr", "recap"]

_BAD_BYTE = re.compile(r"[^\x20-\x7e]")  # [CDC] a text file of upper-case ASCII: nothing else is printable
_DIGITS = re.compile(r"[0-9]+")
_ORDER = ["B00", "B01", "B02", "B03", "B04", "B05", "B06"]  # [CDC] « in this order »
_SINGLE = {"B00", "B01", "B03", "B05", "B06"}
_COPIED_FROM_A02 = ("L_Nom_Prenom", "N_Enfants", "N_AF_A_Payer", "N_AF_A_Deduire", "N_AF_Net_A_Payer")  # [CDC]


def check(
    text: str,
    *,
    preetabli: str | None = None,
    affiliate: str | None = None,
    period: str | None = None,
    caps: Mapping[str, int] | None = None,
) -> list[Problem]:
    """The errors only: [] means the file may be sent. `period` as AAAA-MM or AAAAMM."""
    return inspect(text, preetabli=preetabli, affiliate=affiliate, period=period, caps=caps).errors


def inspect(
    text: str,
    *,
    preetabli: str | None = None,
    affiliate: str | None = None,
    period: str | None = None,
    caps: Mapping[str, int] | None = None,
) -> Findings:
    found = Findings()
    refusal = not_text(text)
    if refusal:
        found.add(None, "contenu", refusal[0], refusal[1], line=0)
        return found
    records = parse(text)
    _check_line_ends(text, records, found)
    for record in records:
        _check_format(record, found)
    _check_order(records, found)
    b = {t: [r for r in records if r.type == t] for t in _ORDER}
    wanted_period = _check_identity(records, b, affiliate, period, found)
    placeholders, new_ones = [], []
    for r in b["B04"]:
        (new_ones if r.field("N_Num_Assure").strip() else placeholders).append(r)
    cap = _cap(wanted_period, caps, found, b)
    context = {"cap": cap, "b02_ctr": b02_ctr, "b04_ctr": b04_ctr}
    if preetabli is not None and not_text(preetabli):
        found.add(
            None,
            "contenu",
            not_text(preetabli)[0],
            "un préétabli : " + not_text(preetabli)[1],
            line=0,
            in_preetabli=True,
        )
    elif preetabli is not None:
        pre = parse(preetabli)
        for problem in check_preetabli(pre):
            found.keep(problem)
        _check_against_preetabli(pre, b, found)
    sums = {"B02": dict.fromkeys(B03_SUMS, 0), "B04": dict.fromkeys(B05_SUMS, 0)}
    for record in b["B02"] + new_ones:
        record.remember()  # each field is read once for all the rules and the totals, then forgotten
        try:
            _apply(rules.LINE_RULES, record, context, found)
            total = sums[record.type]
            for name, source in (B03_SUMS if record.type == "B02" else B05_SUMS).items():
                total[name] += record.number(source)
        finally:
            record.forget()
    _check_placeholders(placeholders, new_ones, found)
    _check_duplicates(b["B02"], new_ones, found)
    _check_totals(
        b, {**sums["B02"], "N_Nbr_Salaries": len(b["B02"])}, {**sums["B04"], "N_Nbr_Salaries": len(new_ones)}, found
    )
    # In file order, the préétabli's own problems first; a warning on a line already in error is noise.
    found.errors.sort(key=lambda p: (not p.in_preetabli, p.line))
    wrong_lines = {p.line for p in found.errors if not p.in_preetabli}
    found.warnings = [w for w in found.warnings if w.line not in wrong_lines]
    found.warnings.sort(key=lambda p: p.line)
    return found


# --- the préétabli itself --------------------------------------------------------------------------


class _PreetabliFindings(Findings):
    def add(self, *args, **kwargs) -> None:
        super().add(*args, in_preetabli=True, **kwargs)


def check_preetabli(pre: list[Record]) -> list[Problem]:
    """A préétabli we can trust: one A00, one A01, its A02s, and an A03 recap that adds up [CDC].
    A missing A03, or an A02 dropped from the file, would let an employee silently vanish."""
    found = _PreetabliFindings()
    for record in pre:
        if len(record.raw) != RECORD_LENGTH:
            found.add(record, "longueur", len(record.raw), f"{RECORD_LENGTH} caractères (préétabli)")
        elif record.type not in ("A00", "A01", "A02", "A03"):
            found.add(record, "type", record.type, "un enregistrement A00 à A03 (préétabli)")
    counts = {t: sum(1 for r in pre if r.type == t) for t in ("A00", "A01", "A03")}
    first = pre[0] if pre else None
    for record_type, count in counts.items():
        if count != 1:
            found.add(
                first,
                f"enregistrement {record_type}",
                f"{count} enregistrement(s) {record_type}",
                f"exactement un {record_type} dans le préétabli"
                + (" (son récapitulatif)" if record_type == "A03" else ""),
                line=first.line if first else 0,
            )
    a02 = [r for r in pre if r.type == "A02" and len(r.raw) == RECORD_LENGTH]
    a03 = next((r for r in pre if r.type == "A03"), None)
    if a03 is not None and len(a03.raw) == RECORD_LENGTH:
        totals = {"N_Nbr_Salaries": len(a02)} | {t: sum(r.number(s) for r in a02) for t, s in rules.A03_SUMS.items()}
        for name, value in totals.items():
            if a03.number(name) != value or not _DIGITS.fullmatch(a03.field(name)):
                found.add(
                    a03,
                    name,
                    a03.field(name).strip(),
                    f"{value} (somme des A02 du préétabli : un salarié manque-t-il dans le préétabli ?)",
                )
    return found.errors


# --- one line at a time ----------------------------------------------------------------------------

_FIELD_AT: dict[str, list[str]] = {}
for _type, _fields in OFFSETS.items():
    _FIELD_AT[_type] = [""] * RECORD_LENGTH
    for _name, (_start, _end) in _fields.items():
        for _i in range(_start, _end):
            _FIELD_AT[_type][_i] = _name


def _check_format(record: Record, found: Findings) -> None:
    """[CDC] the line's bytes, length and type, then each field by its kind (one checker per kind)."""
    bad_fields = _check_bytes(record, found)
    if not _check_line_shape(record, found):
        return
    raw = record.raw
    if not bad_fields and _WELL_FORMED[record.type].fullmatch(raw):  # the usual case, in one regex
        names = _DATES[record.type]  # a well-formed line's only doubt: its dates
    else:
        names = [name for name in OFFSETS[record.type] if name not in bad_fields]
    for name in names:
        start, end = OFFSETS[record.type][name]
        wrong = _FIELD_CHECKERS.get(kind(name), _text_field)(record.type, name, raw[start:end])
        if wrong:
            found.add(record, name, *wrong)


def _check_bytes(record: Record, found: Findings) -> set[str]:
    """[CDC] text file: each bad byte, with its column; the fields holding one (not checked again)."""
    bad_fields = set()
    for match in _BAD_BYTE.finditer(record.raw):
        char = match.group()
        column = match.start() + 1
        name = _FIELD_AT.get(record.type, [""] * RECORD_LENGTH)[column - 1] if column <= RECORD_LENGTH else ""
        bad_fields.add(name)
        found.add(
            record,
            name or f"colonne {column}",
            f"le caractère {_describe(char)} en colonne {column}",
            "du texte ASCII imprimable (lettres majuscules, chiffres, espaces)",
        )
    return bad_fields


def _check_line_shape(record: Record, found: Findings) -> bool:
    """A line to read field by field: not empty, [CDC] exactly 260 characters, a known record type."""
    raw = record.raw
    if not raw:
        found.add(record, "type", "ligne vide", "un enregistrement B00 à B06 (aucune ligne vide)")
    elif len(raw) != RECORD_LENGTH:
        found.add(record, "longueur", len(raw), f"{RECORD_LENGTH} caractères")
    elif record.type not in RECORDS or not record.type.startswith("B"):
        found.add(record, "type", record.type or "ligne vide", "un enregistrement B00 à B06")
    else:
        return True
    return False


# One checker per field kind: (record type, field name, value) → None when fine, else (found, expected).
def _filler_field(record_type: str, name: str, value: str) -> tuple[str, str] | None:
    if value.strip(" "):  # [CDC] fillers are spaces
        return value.strip(), "des espaces seulement (zone de remplissage)"
    return None


def _number_field(record_type: str, name: str, value: str) -> tuple[str, str] | None:
    if record_type == "B04" and name == "N_Num_Assure" and not value.strip():
        return None  # the empty B04 (checked with its own rules)
    if not _DIGITS.fullmatch(value):  # [CDC] N: digits, right-aligned, zero-padded; never blank
        return value.strip() or "champ vide", "des chiffres seulement, cadrés à droite avec des zéros"
    return None


def _date_field(record_type: str, name: str, value: str) -> tuple[str, str] | None:
    if value.strip() and not _is_date(value):  # [CDC] AAAAMMJJ, or blank
        return value.strip(), "une date AAAAMMJJ"
    return None


def _text_field(record_type: str, name: str, value: str) -> tuple[str, str] | None:
    allowed = CHARACTERS.get((record_type, name), TEXT_CHARACTERS)
    text = value.rstrip(" ")
    if any(c not in allowed for c in text):  # [CDC] upper case, no accents; [IMPL] names A-Z 0-9 space
        wrong = "".join(sorted({c for c in text if c not in allowed}))
        return (
            value.strip(),
            "des majuscules sans accents (A-Z, 0-9, espace"
            + (", tiret" if "-" in allowed else "")
            + f") ; caractère(s) refusé(s) : « {wrong} »",
        )
    if text and text[0] == " ":  # [CDC] AN fields are left-aligned
        return value.strip(), "un texte cadré à gauche (espaces à droite seulement)"
    return None


_FIELD_CHECKERS = {"filler": _filler_field, "N": _number_field, "D": _date_field}  # anything else: text (AN)


def _well_formed(record_type: str) -> re.Pattern:
    """One regex for a line whose every field has the right shape (dates are then checked apart)."""
    parts = [re.escape(record_type)]
    for name, length in RECORDS[record_type]:
        field_kind = kind(name)
        if field_kind == "filler":
            parts.append(f" {{{length}}}")
        elif field_kind == "N":
            blank = f"| {{{length}}}" if (record_type, name) == ("B04", "N_Num_Assure") else ""
            parts.append(f"(?:[0-9]{{{length}}}{blank})")
        elif field_kind == "D":
            parts.append(f"(?:[0-9]{{{length}}}| {{{length}}})")
        else:
            allowed = "".join(re.escape(c) for c in CHARACTERS.get((record_type, name), TEXT_CHARACTERS))
            parts.append(f"(?:(?! )[{allowed}]{{{length}}}| {{{length}}})")
    return re.compile("".join(parts))


_WELL_FORMED = {t: _well_formed(t) for t in RECORDS}
_DATES = {t: [name for name, _ in fields if kind(name) == "D"] for t, fields in RECORDS.items()}


def _check_line_ends(text: str, records: list[Record], found: Findings) -> None:
    """[CDC] LF or CRLF, one or the other: a mix is a hand-edited or glued file, which the portal's
    reader may split otherwise. Refused, like every doubt about what the portal will read."""
    mixed = mixed_line_ends(text)
    if mixed:
        line, usual, count = mixed
        other = "LF" if usual == "CRLF" else "CRLF"
        found.add(
            records[line - 1],
            "fin de ligne",
            f"{other} ({count} ligne(s) ainsi)",
            f"{usual} comme à la ligne 1 : toutes les lignes finies de la même façon ; réenregistrez le "
            "fichier depuis le logiciel de paie (ou damancom-bot bds build)",
        )


def _describe(char: str) -> str:
    names = {
        "\t": "tabulation",
        "\r": "retour chariot seul",
        "\x00": "NUL",
        "\x0b": "tabulation verticale",
        "\x0c": "saut de page",
        "\x1a": "Ctrl-Z, fin de fichier DOS",
    }
    label = names.get(char) or (char if char.isprintable() else "contrôle")
    return f"0x{ord(char):02X} ({label})" if ord(char) < 0x100 else f"U+{ord(char):04X} ({label})"


def _is_date(value: str) -> bool:
    if not _DIGITS.fullmatch(value):
        return False
    try:
        date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        return True
    except ValueError:
        return False


def _apply(table, record: Record, context: dict, found: Findings) -> None:
    for rule in table:
        if record.type in rule.records:
            result = rule.test(record, context)
            if result is not None:
                found_value, expected = result
                found.add(
                    record,
                    rule.field[record.type] if isinstance(rule.field, dict) else rule.field,
                    found_value,
                    expected,
                    warning=rule.warning,
                )


# --- the file as a whole ---------------------------------------------------------------------------


def _check_order(records: list[Record], found: Findings) -> None:
    """[CDC] B00, B01, B02*, B03, B04+, B05, B06: the first record out of place is reported."""
    position = -1
    counts = dict.fromkeys(_ORDER, 0)
    for record in records:
        if record.type not in counts:
            continue  # reported as an unknown type
        index = _ORDER.index(record.type)
        counts[record.type] += 1
        if index < position or (index == position and record.type in _SINGLE):
            found.add(
                record,
                "ordre des enregistrements",
                record.type,
                "l'ordre B00, B01, B02 (un par salarié), B03, B04 (au moins un), B05, B06",
            )
            return
        position = index
    missing = [t for t in _ORDER if t != "B02" and not counts[t]]
    if missing:
        last = records[-1] if records else None
        found.add(
            last,
            "ordre des enregistrements",
            "absent : " + ", ".join(missing),
            "B00, B01, B02 (un par salarié), B03, B04 (au moins un), B05, B06",
            line=last.line if last else 0,
        )


def _check_identity(records, b, affiliate, period, found: Findings) -> str | None:
    b01 = b["B01"][0] if b["B01"] else None
    wanted_period = period.replace("-", "") if period else (b01.text("L_Periode") if b01 else None)
    wanted_affiliate = affiliate or (b01.text("N_Num_Affilie") if b01 else None)
    other_month, dated = [], 0
    for record in records:
        if record.type not in RECORDS or len(record.raw) != RECORD_LENGTH:
            continue
        offsets = OFFSETS[record.type]
        if "N_Num_Affilie" in offsets and wanted_affiliate and record.text("N_Num_Affilie") != wanted_affiliate:
            found.add(
                record, "N_Num_Affilie", record.text("N_Num_Affilie"), f"le numéro d'affiliation {wanted_affiliate}"
            )
        dated += "L_Periode" in offsets
        if "L_Periode" in offsets and wanted_period and record.text("L_Periode") != wanted_period:
            other_month.append(record)
    _wrong_month(other_month, wanted_period, found, whole_file=bool(period) and len(other_month) == dated)
    for r in b["B00"]:
        if r.text("L_Cat") != "B0":
            found.add(r, "L_Cat", r.text("L_Cat"), "« B0 » (déclaration principale)")
    if b01 is not None and not rules.affiliate_key_ok(b01.text("N_Num_Affilie")):  # [ODOO] warning only
        found.add(
            b01,
            "N_Num_Affilie",
            b01.text("N_Num_Affilie"),
            "un numéro dont le dernier chiffre est la clé de contrôle (vérifiez le numéro d'affiliation)",
            warning=True,
        )
    return wanted_period


class _WrongMonth(Problem):
    """[OURS] a whole file for another month: said once, in words, rather than once per line."""

    def __str__(self) -> str:
        from bot.output.french import period

        def month(value: str) -> str:
            return period(f"{value[:4]}-{value[4:]}")

        def of(value: str) -> str:  # « d'octobre 2026 », « de novembre 2026 »
            return ("d'" if month(value)[0] in "aeiou" else "de ") + month(value)

        return (
            f"Ce fichier est celui {of(self.found)}, vous avez choisi {month(self.expected)} : déposez le "
            f"fichier {of(self.expected)}, ou choisissez la période {month(self.found)}."
        )


def _wrong_month(records: list[Record], wanted: str | None, found: Findings, *, whole_file: bool) -> None:
    """Every dated line of the file for one other month than the period chosen: one sentence."""
    months = {r.text("L_Periode") for r in records}
    month = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")
    if whole_file and len(months) == 1 and month.fullmatch(next(iter(months))) and month.fullmatch(wanted or ""):
        found.keep(_WrongMonth(records[0].line, records[0].type, "L_Periode", next(iter(months)), wanted))
        return
    for record in records:
        found.add(record, "L_Periode", record.text("L_Periode"), f"la période {wanted}")


def _cap(period: str | None, caps: Mapping[str, int] | None, found: Findings, b) -> int | None:
    """[CAP] the ceiling in force for the declared period; None when the period is unreadable."""
    if not period or not re.fullmatch(r"[0-9]{4}(0[1-9]|1[0-2])", period):
        if b["B01"]:
            found.add(b["B01"][0], "L_Periode", period or "vide", "une période AAAAMM")
        return None
    try:
        return cap_for(period, caps or DEFAULT_CAPS)
    except ConfigError:  # a period before any known ceiling
        found.add(
            b["B01"][0] if b["B01"] else None,
            "L_Periode",
            period,
            "une période couverte par un plafond connu (DAMANCOM_SALARY_CAPS)",
            line=b["B01"][0].line if b["B01"] else 0,
        )
        return None


def _check_placeholders(placeholders: list[Record], new_ones: list[Record], found: Findings) -> None:
    """[CDC] the empty B04 (« N_Num_Assure as 9 spaces, names spaces, numbers zero ») stands alone,
    when there is no new employee: anything in it would be left out of every total."""
    for r in placeholders:
        if new_ones or len(placeholders) > 1:
            found.add(
                r,
                "N_Num_Assure",
                "B04 vide",
                "aucun B04 vide à côté d'autres B04 (le B04 vide remplace "
                "seulement une liste de nouveaux salariés vide)",
            )
        for name, (start, end) in OFFSETS["B04"].items():
            value = r.raw[start:end]
            if name in ("filler", "N_Num_Assure", "N_Num_Affilie", "L_Periode"):
                continue
            if (kind(name) == "N" and value.strip("0 ")) or (kind(name) != "N" and value.strip()):
                found.add(
                    r,
                    name,
                    value.strip(),
                    "vide ou zéro dans le B04 vide (numéro d'immatriculation à blanc) ; "
                    "un nouveau salarié doit avoir son numéro",
                )


def _check_duplicates(b02: list[Record], b04: list[Record], found: Findings) -> None:
    """[CDC] one B02 per employee of the préétabli, one B04 per new employee; [IMPL] 000000000 and
    999999999 are conventions shared by several people, told apart by their CIN and name."""
    seen: dict[str, int] = {}
    for r in b02:
        number = r.text("N_Num_Assure")
        if number in seen:
            found.add(r, "N_Num_Assure", number, f"une seule ligne B02 par salarié (déjà ligne {seen[number]})")
        else:
            seen[number] = r.line
    seen_new: dict[tuple, int] = {}
    for r in b04:
        number = r.text("N_Num_Assure")
        key = (
            (number, r.text("L_Num_CIN"), r.text("L_Nom_Prenom"))
            if number in (NOT_YET_REGISTERED, OCCASIONAL)
            else (number,)
        )
        if number in seen and number not in (NOT_YET_REGISTERED, OCCASIONAL):
            found.add(
                r,
                "N_Num_Assure",
                number,
                f"un nouveau salarié : {number} est déjà déclaré en B02 (ligne {seen[number]})",
            )
        if key in seen_new:
            found.add(
                r, "N_Num_Assure", number, f"une seule ligne B04 par nouveau salarié (déjà ligne {seen_new[key]})"
            )
        else:
            seen_new[key] = r.line


def b02_ctr(r: Record) -> int:
    """[CDC] N_Num_Assure + N_AF_A_Reverser + N_Jours_Declares + N_Salaire_Reel + N_Salaire_Plaf + rank."""
    return (
        r.number("N_Num_Assure")
        + r.number("N_AF_A_Reverser")
        + r.number("N_Jours_Declares")
        + r.number("N_Salaire_Reel")
        + r.number("N_Salaire_Plaf")
        + SITUATIONS.get(r.text("L_Situation"), 0)
    )


def b04_ctr(r: Record) -> int:
    """[CDC] N_Num_Assure + N_Nbr_Jours + N_Sal_Reel + N_Sal_Plaf."""
    return r.number("N_Num_Assure") + r.number("N_Nbr_Jours") + r.number("N_Sal_Reel") + r.number("N_Sal_Plaf")


def recap(lines: list[Record], sums: dict[str, str]) -> dict[str, int]:
    """What a recap record must hold for these lines."""
    totals = {total: sum(r.number(source) for r in lines) for total, source in sums.items()}
    totals["N_Nbr_Salaries"] = len(lines)
    return totals


def _expect(record: Record | None, name: str, value: int, found: Findings, what: str) -> None:
    if record is not None and len(record.raw) == RECORD_LENGTH and record.number(name) != value:
        raw = record.field(name)
        found.add(
            record,
            name,
            record.number(name) if _DIGITS.fullmatch(raw) else raw.strip() or "champ vide",
            f"{value} ({what})",
        )


def _check_totals(b, of_b02: dict[str, int], of_b04: dict[str, int], found: Findings) -> None:
    """[CDC] every N_T_* is the sum of its lines, N_T_Ctr the sum of S_Ctr, B06 = B03 + B05."""
    b03 = b["B03"][0] if b["B03"] else None
    b05 = b["B05"][0] if b["B05"] else None
    b06 = b["B06"][0] if b["B06"] else None
    b03_why = {"N_Nbr_Salaries": "nombre de lignes B02", "N_T_Ctr": "somme des S_Ctr des B02"}
    for name, value in of_b02.items():
        _expect(b03, name, value, found, b03_why.get(name, "somme des lignes B02"))
    for name, value in of_b04.items():
        _expect(
            b05,
            name,
            value,
            found,
            "nombre de nouveaux salariés B04" if name == "N_Nbr_Salaries" else "somme des lignes B04",
        )
    # B06 against the lines themselves: a wrong B03 is reported once, on B03, not again on B06.
    for name, value in of_b04.items():
        _expect(b06, name, of_b02[name] + value, found, "B03 + B05")


def _check_against_preetabli(pre: list[Record], b, found: Findings) -> None:
    a00 = next((r for r in pre if r.type == "A00"), None)
    a01 = next((r for r in pre if r.type == "A01"), None)
    if a00 and b["B00"] and b["B00"][0].text("N_Identif_Transfert") != a00.text("N_Identif_Transfert"):
        found.add(
            b["B00"][0],
            "N_Identif_Transfert",
            b["B00"][0].text("N_Identif_Transfert"),
            f"{a00.text('N_Identif_Transfert')} (celui du préétabli)",
        )  # [CDC] copied from A00
    if a01 and b["B01"] and len(a01.raw) == RECORD_LENGTH:
        for name, _ in RECORDS["A01"]:  # [CDC] B01: same fields as A01, copied from the préétabli
            if b["B01"][0].field(name) != a01.field(name):
                found.add(b["B01"][0], name, b["B01"][0].text(name), f"« {a01.text(name)} » (celui du préétabli)")
    expected = {r.text("N_Num_Assure"): r for r in pre if r.type == "A02"}
    present = set()
    for r in b["B02"]:
        number = r.text("N_Num_Assure")
        present.add(number)
        a02 = expected.get(number)
        if a02 is None:  # [CDC] one B02 per employee of the préétabli; new ones go to B04
            found.add(r, "N_Num_Assure", number, "un salarié du préétabli (un nouveau salarié va en B04)")
            continue
        for name in _COPIED_FROM_A02:  # [CDC] B02 repeats the A02 fields
            if r.field(name) != a02.field(name):
                found.add(
                    r, name, r.text(name) or "vide", f"« {a02.text(name)} » (comme dans le préétabli, ligne {a02.line})"
                )
    last = b["B02"][-1] if b["B02"] else (b["B01"][0] if b["B01"] else None)
    for number, a02 in expected.items():
        if number not in present:
            found.add(
                last,
                "N_Num_Assure",
                "absent",
                f"une ligne B02 pour {number} ({a02.text('L_Nom_Prenom')}) du préétabli",
                line=last.line if last else 0,
            )
