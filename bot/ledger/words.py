"""The ledger stores codes; this is where they become French, for `status` and notifications.
Times a person reads are in Moroccan time (`bot/system/clock.py`)."""

from __future__ import annotations

from datetime import datetime

from bot.ledger import ledger as L
from bot.output.french import day  # noqa: F401 - the ledger's words read moments the same way
from bot.system import clock

STATE_FR = {
    L.PENDING: "en attente",
    L.IN_PROGRESS: "essai en cours",
    L.DONE: "faite",
    L.NEEDS_ATTENTION: "à vérifier",
    L.SUBMITTING: "dépôt en cours de confirmation",
    L.MANUAL: "à déposer par vous",
}

REASON_FR = {
    "first_planned": "premier essai prévu",
    "portal_down": "portail indisponible",
    "browser_failed": "le navigateur a échoué (pas le portail)",
    "no_code": "personne n'a répondu",
    "declined_not_now": "vous avez répondu « pas maintenant »",
    "declined_stop": "vous avez répondu « stop » : vous la déposez vous-même",
    "to_declare": "connecté, déclaration à faire",
    "busy": "compte occupé par une autre connexion (planificateur ou terminal)",
    "interrupted": "essai interrompu (arrêt de l'ordinateur ou du bot)",
    "interrupted_after_sms": "essai interrompu après l'envoi du SMS",
    "verify_submission": "dépôt peut-être validé juste avant une coupure : état à vérifier sur le portail",
    "missed": "essai manqué (ordinateur éteint ou en veille)",
    "restarted": "repris au redémarrage du planificateur",
    "rejected": "identifiants ou code refusés",
    "screens_changed": "écrans du portail changés",
    "browser_refused": "le pare-feu du portail refuse le navigateur (une fenêtre visible est nécessaire)",
    "bad_input": "réglage ou saisie incorrects",
    "bug": "erreur inattendue",
    "no_slot_left": "plus de créneau avant l'échéance",
    "deadline_passed": "échéance dépassée",
    "declared": "période déclarée",
    "seen_declared": "vue « Déclarée » sur le portail",
    "filed": "déposée par le bot",
    "filed_by_hand": "déclarée à la main",
    "submitting": "validation envoyée au portail, accusé attendu",
    "in_progress": "essai en cours",
    "sms_possible": "essai en cours : code SMS demandé au portail",
    "code_step_done": "essai en cours : connecté au portail",
}
STOPPED = {"rejected", "screens_changed", "browser_refused", "bad_input", "bug"}  # no new try until the person acts


def when(moment: datetime | None) -> str:
    return moment.astimezone(clock.TZ).strftime("%d/%m %H:%M") if moment else "?"


def reason(code: str | None) -> str:
    """French for a code; text written by an older version is shown as it is."""
    return REASON_FR.get(code or "", code or "")


def period_line(row: L.PeriodRow) -> str:
    """What happened last and what comes next, in one sentence."""
    text = reason(row.next_reason)
    if row.next_reason == "filed" and row.receipt:
        return f"{text}, accusé de réception {row.receipt}"
    if row.next_reason == "declined_stop":
        return f"{text} ; une fois faite : damancom-bot done --period {row.period}"
    if row.next_reason in ("deadline_passed", "no_slot_left"):
        return (
            f"{text} : déposez-la vous-même au plus vite, puis « damancom-bot done --period {row.period} » "
            "(déjà déposée ? la même commande suffit)"
        )
    if row.next_reason in STOPPED:
        return f"{text} : pas de nouvel essai avant votre intervention (puis relancez « damancom-bot schedule »)"
    if row.next_attempt is not None:
        if row.next_reason in (
            "first_planned",
            "restarted",
            "verify_submission",
            "missed",
            "interrupted",
            "interrupted_after_sms",
        ):
            return f"{text}, essai le {when(row.next_attempt)}"
        return f"{text} à {when(row.updated)}, nouvel essai le {when(row.next_attempt)}"
    return text


# `status` for many accounts (`bot/ledger/urgency.py`): what the person does next when a run waits.
WAITING_FR = {
    "code": "code SMS à donner : damancom-bot otp CODE --account {account}",
    "ready": "le bot attend « prêt » : damancom-bot ready --account {account}",
    "question": "une question du portail attend votre réponse : damancom-bot answer RÉPONSE --account {account}",
    "confirm": "le bot attend votre confirmation (tableau de bord ou terminal)",
}
FAMILY_FR = {
    "a-faire": "à faire (en attente d'un essai)",
    "en-cours": "en cours (essai ou dépôt)",
    "echec": "en échec (le bot attend votre intervention)",
    "deposee": "déposée",
}


def waiting_line(phase: str | None, account: str) -> str:
    return WAITING_FR.get(phase or "", "un essai attend votre réponse").format(account=account)


def hours_fr(hours: float) -> str:
    """« échéance dans 5 h » / « dans 3 j » / « dépassée » — how close a deadline is."""
    if hours < 0:
        return "échéance dépassée"
    if hours < 1:
        return "échéance dans moins d'une heure"
    return f"échéance dans {hours:.0f} h" if hours < 48 else f"échéance dans {hours / 24:.0f} j"
