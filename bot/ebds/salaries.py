"""The salaries CSV as people have it: Excel's « CSV UTF-8 » (with BOM), plain UTF-8 (LibreOffice),
or Windows-1252/Latin-1 (Excel's « CSV (séparateur : point-virgule) »); `;`, `,` or tab between
columns. Names and CIN are put in the portal's alphabet and every change is listed."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from bot.ebds.layout import NOT_YET_REGISTERED, OCCASIONAL, SITUATIONS, situations_fr
from bot.ebds.translit import to_portal
from bot.errors import BadInput as _BadInput

COLUMNS = ("immatriculation", "jours", "salaire_brut", "situation", "nom", "cin")
NAME_LENGTH, CIN_LENGTH = 60, 8  # L_Nom_Prenom and L_Num_CIN in B04 [CDC]


class BadSalaries(_BadInput):
    """A salaries CSV the bot cannot turn into a valid declaration (exit 2)."""


@dataclass
class Row:
    line: int
    number: str
    days: int
    salary: int  # centimes
    situation: str
    name: str
    cin: str


@dataclass
class Salaries:
    rows: list[Row]
    encoding: str
    changes: list[str]  # « ligne 5, nom : « Hélène » → « HELENE » »


def decode(data: bytes) -> tuple[str, str]:
    """(text, the encoding found, in French)."""
    for bom, codec, label in ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8 avec BOM"),
                              (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _header_key(name: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.strip().lower()) if not unicodedata.combining(c))
    return re.sub(r"[\s-]+", "_", plain.strip("\ufeff \"'"))


def read_salaries(data: bytes | str) -> Salaries:
    text, encoding = (data, "texte") if isinstance(data, str) else decode(data)
    text = text.lstrip("\ufeff")
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's « sep=; » first line names the separator
    if hint:
        text = text[hint.end():]
    first = next((l for l in text.splitlines() if l.strip()), "")
    counts = {sep: first.count(sep) for sep in ";,\t"}
    separator = hint[1] if hint else max(counts, key=lambda s: (counts[s], s == ";"))
    expected = f"colonnes attendues : {';'.join(COLUMNS)} (situation, nom et cin facultatifs)"
    if not first:
        raise BadSalaries(f"Le fichier des salaires est vide ; {expected}.")
    if first.count(separator) == 0:
        raise BadSalaries(f"Le fichier des salaires n'a qu'une colonne (« {first[:60]} ») : séparez les colonnes par "
                          f"« ; » ou « , » ; {expected}.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = [_header_key(h) for h in next(reader)]
    except csv.Error as exc:
        raise BadSalaries(f"Le fichier des salaires est illisible à la ligne 1 ({exc}).") from None
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise BadSalaries(f"Le fichier des salaires n'a pas les colonnes {', '.join(missing)} (en-tête lu : "
                          f"« {separator.join(header)[:100]} ») ; {expected}.")
    rows, changes, seen = [], [], {}
    try:
        for cells in reader:
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # Excel's trailing « ;;;;; » lines
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                raise BadSalaries(f"Ligne {number} du fichier des salaires : {len(cells)} colonnes, l'en-tête en a "
                                  f"{len(header)} (un « {separator} » de trop dans un nom ou un montant ?).")
            item = {h: (cells[i] if i < len(cells) else "").strip() for i, h in enumerate(header)}
            row = _row(number, item, changes)
            key = (row.number, row.cin) if row.number in (NOT_YET_REGISTERED, OCCASIONAL) else row.number
            if key in seen:
                raise BadSalaries(f"Ligne {number} du fichier des salaires : l'immatriculation {row.number} est déjà à "
                                  f"la ligne {seen[key]} ; une seule ligne par salarié.")
            seen[key] = number
            rows.append(row)
    except csv.Error as exc:
        raise BadSalaries(f"Le fichier des salaires est illisible à la ligne {reader.line_num} ({exc}).") from None
    return Salaries(rows, encoding, changes)


def _row(number: int, item: dict[str, str], changes: list[str]) -> Row:
    where = f"Ligne {number} du fichier des salaires"
    immatriculation = item["immatriculation"].replace(" ", "")
    if re.fullmatch(r"[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+", immatriculation):
        raise BadSalaries(f"{where} : immatriculation « {item['immatriculation'][:40]} » écrite en notation "
                          "scientifique par le tableur : mettez la colonne au format Texte et saisissez les 9 chiffres.")
    if not re.fullmatch(r"[0-9]{1,9}", immatriculation):
        too_long = re.fullmatch(r"[0-9]{10,}", immatriculation)
        raise BadSalaries(f"{where} : immatriculation « {item['immatriculation'][:40]} » invalide ("
                          + (f"{len(immatriculation)} chiffres, " if too_long else "") + "9 chiffres au plus).")
    if not re.fullmatch(r"[0-9]{1,2}", item["jours"]):
        raise BadSalaries(f"{where} : nombre de jours « {item['jours'][:20]} » invalide (0 à 26).")
    amount = item["salaire_brut"].replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".")
    if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,2})?", amount):
        raise BadSalaries(f"{where} : salaire « {item['salaire_brut'][:30]} » invalide (exemple : 4500,00).")
    situation = item.get("situation", "").upper()
    if situation not in SITUATIONS:
        raise BadSalaries(f"{where} : situation « {situation[:10]} » inconnue ; codes possibles : {situations_fr()}.")
    name = _portal(item.get("nom", ""), "-", number, "nom", changes)
    if len(name) > NAME_LENGTH:
        raise BadSalaries(f"{where} : nom de {len(name)} caractères, {NAME_LENGTH} au plus ; abrégez-le.")
    cin = _portal(item.get("cin", ""), "", number, "cin", changes, squeeze=True)
    if len(cin) > CIN_LENGTH:
        raise BadSalaries(f"{where} : CIN « {cin} » de {len(cin)} caractères, {CIN_LENGTH} au plus.")
    cents = int(amount.split(".")[0]) * 100 + int((amount.split(".")[1] + "0")[:2] if "." in amount else 0)
    return Row(number, immatriculation.zfill(9), int(item["jours"]), cents, situation, name, cin)


def _portal(value: str, keep: str, number: int, column: str, changes: list[str], squeeze: bool = False) -> str:
    result, changed = to_portal(value, keep)
    if squeeze:  # a CIN has no spaces: « BK 123456 » is BK123456
        result = result.replace(" ", "")
        changed = changed or result != value.strip().upper()
    if changed:
        changes.append(f"ligne {number}, {column} : « {value} » écrit « {result} »")
    return result
