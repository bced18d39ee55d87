"""The préétabli (A00–A03) the sandbox "CNSS" prepares for an account and a period."""

from __future__ import annotations

from bot.ebds.records import line
from bot.sandbox.state import Account

# The sandbox employer's insured employees: number, name, children, family allowances (centimes).
EMPLOYEES = [
    ("112233445", "BENNANI FATIMA ZAHRA", 2, 60000),
    ("223344556", "EL AMRANI YOUSSEF", 0, 0),
    ("334455667", "OUAZZANI KHADIJA", 1, 30000),
]


# Insured people the sandbox "CNSS" knows besides the employer's own: a new employee must be one.
REGISTERED_ELSEWHERE = {"998877665", "887766554"}


def make_preetabli(account: Account, period: str) -> str:
    """`period` as AAAA-MM. LF line ends; CRLF is accepted as well when reading."""
    compact = period.replace("-", "")
    base = {"N_Num_Affilie": account.affiliation, "L_Periode": compact}
    lines = [
        line("A00", {"N_Identif_Transfert": f"{account.affiliation}{compact}0", "L_Cat": "A0"}),
        line(
            "A01",
            {
                **base,
                "L_Raison_Sociale": account.employer,
                "L_Activite": "OFFICINE DE PHARMACIE",
                "L_Adresse": "12 BOULEVARD MOHAMMED V",
                "L_Ville": "CASABLANCA",
                "C_Code_Postal": "20000",
                "C_Code_Agence": "01",
                "D_Date_Emission": f"{compact}28",
                "D_Date_Exig": f"{compact}28",
            },
        ),
    ]
    for number, name, children, allowance in EMPLOYEES:
        lines.append(
            line(
                "A02",
                {
                    **base,
                    "N_Num_Assure": number,
                    "L_Nom_Prenom": name,
                    "N_Enfants": children,
                    "N_AF_A_Payer": allowance,
                    "N_AF_A_Deduire": 0,
                    "N_AF_Net_A_Payer": allowance,
                },
            )
        )
    lines.append(
        line(
            "A03",
            {
                **base,
                "N_Nbr_Salaries": len(EMPLOYEES),
                "N_T_Enfants": sum(e[2] for e in EMPLOYEES),
                "N_T_AF_A_Payer": sum(e[3] for e in EMPLOYEES),
                "N_T_AF_A_Deduire": 0,
                "N_T_AF_Net_A_Payer": sum(e[3] for e in EMPLOYEES),
                "N_T_Num_Imma": sum(int(e[0]) for e in EMPLOYEES),
            },
        )
    )
    return "\n".join(lines) + "\n"
