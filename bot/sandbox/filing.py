"""The portal's side of filing a declaration, shared by both styles: check an upload, validate it."""

from __future__ import annotations

from bot.ebds.check import check
from bot.ebds.records import parse
from bot.sandbox.preetabli import EMPLOYEES, REGISTERED_ELSEWHERE, make_preetabli
from bot.sandbox.state import Portal, Receipt, Session


def upload(portal: Portal, session: Session, period: str, content: str) -> list[str]:
    """« Déposer le fichier »: the portal's refusals, or [] when the file is accepted.

    An accepted file waits in `session.pending` for « Valider la déclaration »."""
    account = session.account
    problems = (
        check(content, preetabli=make_preetabli(account, period), affiliate=account.affiliation, period=period)
        if content
        else []
    )
    records = parse(content) if content and not problems else []
    known = {number for number, *_ in EMPLOYEES} | REGISTERED_ELSEWHERE
    unknown = [r for r in records if r.type == "B04" and r.text("N_Num_Assure") and r.text("N_Num_Assure") not in known]
    errors = [str(p) for p in problems[:20]] + [
        f"ligne {r.line}, enregistrement B04 : le numéro d'immatriculation {r.text('N_Num_Assure')} est inconnu "
        "de la CNSS."
        for r in unknown
    ]
    if not content or errors:
        return errors or ["Aucun fichier reçu."]
    b06 = next(r for r in records if r.type == "B06")
    session.pending = {
        "period": period,
        "employees": b06.number("N_Nbr_Salaries"),
        "real": b06.number("N_T_Salaire_Reel"),
        "capped": b06.number("N_T_Salaire_Plaf"),
    }
    portal.uploads.append((account.identifier, period))
    return []


def validate(portal: Portal, session: Session, period: str) -> Receipt | None:
    """« Valider la déclaration »: files the pending upload of this period; None when there is none."""
    if not (session.pending and session.pending["period"] == period):
        return None
    receipt = portal.file(session.account, period, session.pending)
    session.pending = None
    return receipt


def receipt_text(account, period: str, receipt: Receipt) -> str:
    """The downloadable receipt (accuse.txt)."""
    return (
        f"CNSS - ACCUSE DE RECEPTION\nReference : {receipt.reference}\nAffilie : {account.affiliation}\n"
        f"Periode : {period}\nSalaries : {receipt.employees}\nSalaires reels : {receipt.total_real}\n"
        f"Salaires plafonnes : {receipt.total_capped}\nMontant a payer : {receipt.amount_due}\n"
    )
