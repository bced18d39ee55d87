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
from bot.ebds.visible import SPACES, odd_characters, visible
from bot.errors import BadInput as _BadInput

COLUMNS = ("immatriculation", "jours", "salaire_brut", "situation", "nom", "cin")
NAME_LENGTH, CIN_LENGTH = 60, 8  # L_Nom_Prenom and L_Num_CIN in B04 [CDC]
_ARABIC = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc"  # letters and presentation forms, not the BOM
_HIGH_RUN = re.compile(rb"[\xc0-\xff]{3,}")  # three or more letters in a row outside ASCII
_DOS_END = re.compile("\x1a+[\r\n]*\\Z")  # Ctrl-Z: the end-of-file mark of old DOS programs


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
    for bom, codec, label in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 avec BOM"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if _arabic_1256(data):  # Excel's CSV on an Arabic Windows: read as 1252 it becomes « AIAI CAUAAEI »
        return data.decode("cp1256"), "Windows-1256 (arabe)"
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _arabic_1256(data: bytes) -> bool:
    """A word of Windows-1256 Arabic letters. Read as Windows-1252 it would mix capital and small
    accented letters (محمد: « ãÍãÏ »), which no French or Spanish word does."""
    for run in _HIGH_RUN.finditer(data):
        word = run.group()
        if min(word) < 0xDF <= max(word) and all("\u0621" <= c <= "\u064a" for c in word.decode("cp1256")):
            return True
    return False


def _header_key(name: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.strip().lower()) if not unicodedata.combining(c))
    return re.sub(r"[\s-]+", "_", plain.strip("\ufeff \"'"))


def read_salaries(data: bytes | str) -> Salaries:
    text, encoding = (data, "texte") if isinstance(data, str) else decode(data)
    text = _DOS_END.sub("", text.lstrip("\ufeff"))
    hint = re.match(r"sep=(.)\r?\n", text)  # Excel's « sep=; » first line names the separator
    if hint:
        text = text[hint.end() :]
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in ";,\t"}
    separator = hint[1] if hint else max(counts, key=lambda s: (counts[s], s == ";"))
    expected = f"colonnes attendues : {';'.join(COLUMNS)} (situation, nom et cin facultatifs)"
    if not first:
        raise BadSalaries(f"Le fichier des salaires est vide ; {expected}.")
    if first.count(separator) == 0:
        raise BadSalaries(
            f"Le fichier des salaires n'a qu'une colonne (« {first[:60]} ») : séparez les colonnes par "
            f"« ; » ou « , » ; {expected}."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = [_header_key(h) for h in next(reader)]
    except csv.Error as exc:
        raise BadSalaries(f"Le fichier des salaires est illisible à la ligne 1 ({exc}).") from None
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise BadSalaries(
            f"Le fichier des salaires n'a pas les colonnes {', '.join(missing)} (en-tête lu : "
            f"« {separator.join(header)[:100]} ») ; {expected}."
        )
    rows, changes, seen = [], [], {}
    try:
        for cells in reader:
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # Excel's trailing « ;;;;; » lines
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                raise BadSalaries(
                    f"Ligne {number} du fichier des salaires : {len(cells)} colonnes, l'en-tête en a "
                    f"{len(header)} (un « {separator} » de trop dans un nom ou un montant ?)."
                )
            item = {h: (cells[i] if i < len(cells) else "").strip() for i, h in enumerate(header)}
            row = _row(number, item, changes)
            key = (row.number, row.cin) if row.number in (NOT_YET_REGISTERED, OCCASIONAL) else row.number
            if key in seen:
                raise BadSalaries(
                    f"Ligne {number} du fichier des salaires : l'immatriculation {row.number} est déjà à "
                    f"la ligne {seen[key]} ; une seule ligne par salarié."
                )
            seen[key] = number
            rows.append(row)
    except csv.Error as exc:
        raise BadSalaries(f"Le fichier des salaires est illisible à la ligne {reader.line_num} ({exc}).") from None
    return Salaries(rows, encoding, changes)


def _row(number: int, item: dict[str, str], changes: list[str]) -> Row:
    where = f"Ligne {number} du fichier des salaires"
    immatriculation = re.sub(f"[ {SPACES}]", "", item["immatriculation"])
    if re.fullmatch(r"[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+", immatriculation):
        raise BadSalaries(
            f"{where} : immatriculation « {item['immatriculation'][:40]} » écrite en notation "
            "scientifique par le tableur : mettez la colonne au format Texte et saisissez les 9 chiffres."
        )
    if not re.fullmatch(r"[0-9]{1,9}", immatriculation):
        shown = visible(item["immatriculation"])
        if not immatriculation:
            why = "vide : indiquez les 9 chiffres du numéro d'immatriculation"
        elif re.fullmatch(r"[0-9]{10,}", immatriculation):
            why = f"{len(immatriculation)} chiffres, 9 chiffres au plus"
        else:
            why = f"des chiffres seulement ; caractère(s) refusé(s) : {odd_characters(immatriculation, '0123456789')}"
        raise BadSalaries(f"{where} : immatriculation « {shown} » invalide ({why}).")
    if not re.fullmatch(r"[0-9]{1,2}", item["jours"]):
        raise BadSalaries(f"{where} : nombre de jours « {visible(item['jours'], 20)} » invalide (0 à 26).")
    amount = item["salaire_brut"].replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace(",", ".")
    if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,2})?", amount):
        raise BadSalaries(f"{where} : salaire « {visible(item['salaire_brut'], 30)} » invalide (exemple : 4500,00).")
    situation = item.get("situation", "").upper()
    if situation not in SITUATIONS:
        raise BadSalaries(
            f"{where} : situation « {visible(situation, 10)} » inconnue ; codes possibles : {situations_fr()}."
        )
    _latin_only(item.get("nom", ""), where, "nom")
    _latin_only(item.get("cin", ""), where, "CIN")
    name = _portal(item.get("nom", ""), "-", number, "nom", changes)
    if len(name) > NAME_LENGTH:
        raise BadSalaries(f"{where} : nom de {len(name)} caractères, {NAME_LENGTH} au plus ; abrégez-le.")
    cin = _portal(item.get("cin", ""), "", number, "cin", changes, squeeze=True)
    if len(cin) > CIN_LENGTH:
        raise BadSalaries(f"{where} : CIN « {cin} » de {len(cin)} caractères, {CIN_LENGTH} au plus.")
    cents = int(amount.split(".")[0]) * 100 + int((amount.split(".")[1] + "0")[:2] if "." in amount else 0)
    return Row(number, immatriculation.zfill(9), int(item["jours"]), cents, situation, name, cin)


def _latin_only(value: str, where: str, column: str) -> None:
    """A letter the portal's alphabet cannot spell would silently become a space: refused, with what to do.
    Arabic is not transliterated: the CNSS knows the Latin spelling of the CIN, which no rule can guess."""
    if re.search(f"[{_ARABIC}]", value):
        raise BadSalaries(
            f"{where} : {column} écrit en lettres arabes ; le portail n'accepte que les lettres "
            "latines (A-Z). Écrivez-le tel qu'il figure en lettres latines sur la CIN du salarié "
            "(par exemple MOHAMED EL ALAOUI)."
        )
    lost = "".join(c for c in value if unicodedata.category(c)[0] in "LN" and not to_portal(c, "'")[0])
    if lost:
        raise BadSalaries(
            f"{where} : {column} avec des lettres que le portail ne connaît pas "
            f"({odd_characters(lost, '')}) ; écrivez-le en lettres latines (A-Z), "
            "comme sur la CIN du salarié."
        )


def _portal(value: str, keep: str, number: int, column: str, changes: list[str], squeeze: bool = False) -> str:
    result, changed = to_portal(value, keep)
    if squeeze:  # a CIN has no spaces: « BK 123456 » is BK123456
        result = result.replace(" ", "")
        changed = changed or result != value.strip().upper()
    if changed:
        changes.append(f"ligne {number}, {column} : « {value} » écrit « {result} »")
    return result
