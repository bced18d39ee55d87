"""The e-BDS layout as data: record type → fields (name, length). Every record is 260 characters:
3 for the type, 257 for the fields. The kind of a field follows its prefix: N_ and S_ numbers
(digits, zero-padded), D_ dates (AAAAMMJJ), L_ and C_ text (upper case, space-padded), filler."""

from __future__ import annotations

RECORD_LENGTH = 260

_A01 = [
    ("N_Num_Affilie", 7),
    ("L_Periode", 6),
    ("L_Raison_Sociale", 40),
    ("L_Activite", 40),
    ("L_Adresse", 120),
    ("L_Ville", 20),
    ("C_Code_Postal", 6),
    ("C_Code_Agence", 2),
    ("D_Date_Emission", 8),
    ("D_Date_Exig", 8),
]
_RECAP = [
    ("N_Num_Affilie", 7),
    ("L_Periode", 6),
    ("N_Nbr_Salaries", 6),
    ("N_T_Num_Imma", 15),
    ("N_T_Jours_Declares", 6),
    ("N_T_Salaire_Reel", 15),
    ("N_T_Salaire_Plaf", 13),
    ("N_T_Ctr", 19),
    ("filler", 170),
]

RECORDS: dict[str, list[tuple[str, int]]] = {
    "A00": [("N_Identif_Transfert", 14), ("L_Cat", 2), ("filler", 241)],
    "A01": _A01,
    "A02": [
        ("N_Num_Affilie", 7),
        ("L_Periode", 6),
        ("N_Num_Assure", 9),
        ("L_Nom_Prenom", 60),
        ("N_Enfants", 2),
        ("N_AF_A_Payer", 6),
        ("N_AF_A_Deduire", 6),
        ("N_AF_Net_A_Payer", 6),
        ("filler", 155),
    ],
    "A03": [
        ("N_Num_Affilie", 7),
        ("L_Periode", 6),
        ("N_Nbr_Salaries", 6),
        ("N_T_Enfants", 6),
        ("N_T_AF_A_Payer", 12),
        ("N_T_AF_A_Deduire", 12),
        ("N_T_AF_Net_A_Payer", 12),
        ("N_T_Num_Imma", 15),
        ("filler", 181),
    ],
    "B00": [("N_Identif_Transfert", 14), ("L_Cat", 2), ("filler", 241)],
    "B01": _A01,
    "B02": [
        ("N_Num_Affilie", 7),
        ("L_Periode", 6),
        ("N_Num_Assure", 9),
        ("L_Nom_Prenom", 60),
        ("N_Enfants", 2),
        ("N_AF_A_Payer", 6),
        ("N_AF_A_Deduire", 6),
        ("N_AF_Net_A_Payer", 6),
        ("N_AF_A_Reverser", 6),
        ("N_Jours_Declares", 2),
        ("N_Salaire_Reel", 13),
        ("N_Salaire_Plaf", 9),
        ("L_Situation", 2),
        ("S_Ctr", 19),
        ("filler", 104),
    ],
    # Implementations disagree on where N_T_Num_Imma goes; this order is the majority's.
    "B03": [
        ("N_Num_Affilie", 7),
        ("L_Periode", 6),
        ("N_Nbr_Salaries", 6),
        ("N_T_Enfants", 6),
        ("N_T_AF_A_Payer", 12),
        ("N_T_AF_A_Deduire", 12),
        ("N_T_AF_Net_A_Payer", 12),
        ("N_T_Num_Imma", 15),
        ("N_T_AF_A_Reverser", 12),
        ("N_T_Jours_Declares", 6),
        ("N_T_Salaire_Reel", 15),
        ("N_T_Salaire_Plaf", 13),
        ("N_T_Ctr", 19),
        ("filler", 116),
    ],
    "B04": [
        ("N_Num_Affilie", 7),
        ("L_Periode", 6),
        ("N_Num_Assure", 9),
        ("L_Nom_Prenom", 60),
        ("L_Num_CIN", 8),
        ("N_Nbr_Jours", 2),
        ("N_Sal_Reel", 13),
        ("N_Sal_Plaf", 9),
        ("S_Ctr", 19),
        ("filler", 124),
    ],
    "B05": _RECAP,
    "B06": _RECAP,
}

# Recap records: each total and the line field it sums. N_Nbr_Salaries counts the lines.
B03_SUMS = {
    "N_T_Enfants": "N_Enfants",
    "N_T_AF_A_Payer": "N_AF_A_Payer",
    "N_T_AF_A_Deduire": "N_AF_A_Deduire",
    "N_T_AF_Net_A_Payer": "N_AF_Net_A_Payer",
    "N_T_Num_Imma": "N_Num_Assure",
    "N_T_AF_A_Reverser": "N_AF_A_Reverser",
    "N_T_Jours_Declares": "N_Jours_Declares",
    "N_T_Salaire_Reel": "N_Salaire_Reel",
    "N_T_Salaire_Plaf": "N_Salaire_Plaf",
    "N_T_Ctr": "S_Ctr",
}
B05_SUMS = {
    "N_T_Num_Imma": "N_Num_Assure",
    "N_T_Jours_Declares": "N_Nbr_Jours",
    "N_T_Salaire_Reel": "N_Sal_Reel",
    "N_T_Salaire_Plaf": "N_Sal_Plaf",
    "N_T_Ctr": "S_Ctr",
}
# B06 is B03 + B05 over B05's fields.

# L_Situation codes and their rank (enters B02's control sum). For CS and MS: no days, no salary.
SITUATIONS = {"": 0, "SO": 1, "DE": 2, "IT": 3, "IL": 4, "AT": 5, "CS": 6, "MS": 7, "MP": 8}
NO_PAY_SITUATIONS = {"CS", "MS"}
# What each code means, for messages. The certain ones are worded; for IT, IL and MS the CNSS's
# e-BDS specification (« Cahier des charges … Mode Echange de Fichiers ») is the reference to read.
SITUATION_WORDS = {
    "SO": "sorti de l'entreprise",
    "DE": "décédé",
    "IT": "interruption de travail (voir le cahier des charges e-BDS)",
    "IL": "voir le cahier des charges e-BDS",
    "AT": "accident du travail",
    "CS": "congé sans solde",
    "MS": "sans salaire ce mois (voir le cahier des charges e-BDS)",
    "MP": "maladie professionnelle",
}


def situations_fr() -> str:
    """« vide (présent et payé), SO (sorti de l'entreprise), DE (décédé), … »"""
    return "vide (salarié présent), " + ", ".join(f"{code} ({SITUATION_WORDS[code]})" for code in SITUATIONS if code)


MAX_DAYS = 26


# Where each field sits in its line: record type → field → (start, end) as Python slice bounds.
OFFSETS: dict[str, dict[str, tuple[int, int]]] = {}
for _type, _fields in RECORDS.items():
    _start, OFFSETS[_type] = 3, {}
    for _name, _length in _fields:
        OFFSETS[_type][_name] = (_start, _start + _length)
        _start += _length

# Characters allowed in text (AN) fields. The layout says « upper case, no accents »; public payroll
# implementations restrict names and CIN to A-Z, 0-9 and space. We keep the hyphen in names (compound
# names, « NUNEZ-AIT »), and the usual address punctuation elsewhere.
NAME_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -"
CIN_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TEXT_CHARACTERS = NAME_CHARACTERS + ".,'/&()_:+*"
# Names typed by the employer (B04) are held to the strict set; B02 repeats the préétabli's own text.
CHARACTERS = {("B04", "L_Nom_Prenom"): NAME_CHARACTERS, ("B04", "L_Num_CIN"): CIN_CHARACTERS}

# Insured-number conventions in B04 (public payroll implementations, after the CNSS specification):
# a new employee not yet registered is declared with 000000000 and a CIN; occasional workers with
# 999999999.
NOT_YET_REGISTERED, OCCASIONAL = "000000000", "999999999"


def kind(field: str) -> str:
    if field == "filler":
        return "filler"
    return {"N": "N", "S": "N", "D": "D"}.get(field[0], "AN")


def columns(record: str, field: str) -> tuple[int, int]:
    """1-based first and last column of a field in its line."""
    start = 4
    for name, length in RECORDS[record]:
        if name == field:
            return start, start + length - 1
        start += length
    raise KeyError(field)


assert all(3 + sum(n for _, n in fields) == RECORD_LENGTH for fields in RECORDS.values())
