"""What each button of the dashboard does. Each returns the French sentence shown after it, or raises
a BotError whose message is shown instead. The code, « ready » and answers go through the dropbox,
exactly as `damancom-bot otp` / `ready` / `answer` typed in another terminal would."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from bot.errors import BadInput
from bot.handover import dropbox

_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class GivenCode(str):
    """« Code remis » is not the portal's answer yet: shown neutral, and gone from the page once the
    portal refuses it (`refusals`: the run's refusals when the code was given)."""

    refusals = 0


def _waiting(app, form: dict[str, str], phase: str):
    from bot.env import Env
    from bot.handover.client import find_waiting

    account = form.get("compte", "").strip() or None
    return find_waiting(Env(environ=app.run_environ()), account, phase=phase)


def ready(app, form: dict[str, str]) -> str:
    from bot.handover.client import deliver

    account, folder, _ = _waiting(app, form, "ready")
    deliver(folder / dropbox.READY_FILE, {"via": dropbox.DASHBOARD})
    return f"Présence confirmée pour le compte {account} : le portail envoie le code par SMS. Saisissez-le ci-dessous."


def code(app, form: dict[str, str]) -> str:
    from bot.handover.client import deliver
    from bot.handover.code import parse_code

    given = parse_code(form.get("code", ""))  # refused here, before any run sees it
    account, folder, info = _waiting(app, form, "code")
    key = (account, str(info.get("run_id")), given)
    if key in app.given:  # a reload or a double click must never spend a try twice on one code
        raise BadInput(
            "Ce code a déjà été transmis (et refusé par le portail) : il n'est pas renvoyé. "
            "Saisissez le nouveau code reçu par SMS."
        )
    app.given.add(key)
    from bot.app import progress

    seen = progress.refusals(
        progress.steps(progress.audit_folder(app.recordings, account, str(info.get("run_id") or "")))
    )
    taken = deliver(folder / dropbox.CODE_FILE, {"code": given, "via": dropbox.DASHBOARD})
    text = GivenCode(
        f"Code remis à la connexion du compte {account} : le portail le vérifie (la suite s'affiche ci-dessous)."
        if taken
        else f"Code déposé pour le compte {account} : la connexion le prendra dès qu'elle le pourra."
    )
    text.refusals = seen
    return text


def resend(app, form: dict[str, str]) -> str:
    from bot.handover.client import deliver

    account, folder, _ = _waiting(app, form, "code")
    deliver(folder / dropbox.RESEND_FILE, {"via": dropbox.DASHBOARD})
    return f"Demande de renvoi du code transmise pour le compte {account} : un nouveau SMS va arriver."


def answer(app, form: dict[str, str]) -> str:
    from bot.handover.client import deliver

    text = form.get("reponse", "").strip()
    if not text or len(text) > 64:
        raise BadInput("Tapez la réponse lue sur la capture (64 caractères au plus).")
    account, folder, _ = _waiting(app, form, "question")
    deliver(folder / dropbox.ANSWER_FILE, {"answer": text, "via": dropbox.DASHBOARD})
    return f"Réponse transmise à la connexion du compte {account}."


def login(app, form: dict[str, str]) -> str:
    period = _period(form.get("periode", ""), required=False)
    _need_identifier(app)
    app.jobs.start("login", app.account, period, env_extra=app.run_env(), trial=bool(app.trial))
    if app.trial:
        return (
            "Connexion d'essai lancée : le portail d'essai va « envoyer » un SMS, affiché sur cette page. "
            "Saisissez son code dans la case « Code reçu par SMS »."
        )
    return (
        "Connexion lancée : le portail va envoyer un code par SMS au téléphone enregistré à la CNSS. "
        "Saisissez-le dans la case « Code reçu par SMS » dès qu'il apparaît."
    )


def upload(app, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> str:
    """Keeps the file in the period's inbox and checks it locally: nothing is sent, no SMS."""
    from bot.ebds.check import inspect
    from bot.run.filing_task import inbox
    from bot.system.files import private_dir, private_opener, safe_name

    period = _period(fields.get("periode", ""), required=True)
    name, content = files.get("fichier", ("", b""))
    if not name or not content:
        raise BadInput("Choisissez le fichier de déclaration (DS_….txt) à déposer.")
    account = _need_identifier(app)
    text = content.decode("latin-1")  # e-BDS files are plain ASCII; never fail on a byte
    found = inspect(text, period=period)  # the same checker as `bds check`: its warnings are shown too
    problems = [str(p) for p in found.errors]
    app.pending = {
        "period": period,
        "path": None,
        "name": Path(name).name,
        "problems": problems,
        "more_problems": found.more_errors,
        "warnings": [str(w) for w in found.warnings],
        "more_warnings": found.more_warnings,
        "totals": None if problems else _totals(text),
    }
    if problems:  # a refused file is not kept: the scheduler must never pick it up from the inbox
        raise BadInput(
            f"Le fichier {Path(name).name} a {found.error_count} problème(s) : rien n'a été envoyé, aucun "
            "SMS demandé. Corrigez-le puis déposez-le de nouveau."
        )
    target = private_dir(inbox(app.state_dir, account, period)) / (safe_name(Path(name).stem) + ".txt")
    with open(target, "wb", opener=private_opener) as handle:
        handle.write(content)
    app.pending["path"] = target
    warned = f" avec {found.warning_count} avertissement(s) à vérifier" if found.warning_count else ""
    return f"Fichier {Path(name).name} vérifié : conforme{warned}. Vérifiez les totaux, puis confirmez le dépôt."


def declare(app, form: dict[str, str]) -> str:
    pending = app.pending
    period = _period(form.get("periode", ""), required=True)
    if not pending or pending["period"] != period or pending["problems"]:
        raise BadInput("Déposez d'abord un fichier conforme pour cette période : il est vérifié avant toute connexion.")
    _need_identifier(app)
    # the person saw the local check's totals and clicked « Déposer la déclaration »: that is the confirmation
    app.jobs.start(
        "declare",
        app.account,
        period,
        extra=("--file", str(pending["path"]), "--sans-confirmation"),
        env_extra=app.run_env(),
        trial=bool(app.trial),
    )
    app.pending = None
    where = " sur le portail d'essai (rien n'est envoyé à la CNSS)" if app.trial else ""
    return (
        f"Dépôt de la déclaration {period} lancé{where} : le portail va envoyer un code par SMS. Saisissez-le dans "
        "la case « Code reçu par SMS »."
    )


def doctor(app, form: dict[str, str]) -> str:
    if app.doctor.get("running"):
        return "Vérifications déjà en cours."
    app.doctor = {"running": True, "checks": []}
    threading.Thread(target=_run_doctor, args=(app,), name="app-doctor", daemon=True).start()
    return "Vérifications lancées : les résultats s'affichent dans quelques secondes."


def _run_doctor(app) -> None:
    from bot.errors import BotError
    from bot.run import doctor_checks
    from bot.settings.config import load_settings

    try:
        environ = {**app.environ, **app.child_secrets()}  # a password in the keyring counts as given
        checks = doctor_checks.all_checks(load_settings(environ, need_credentials=False), environ)
        found = [(c.name, c.ok, c.blocking, c.detail) for c in checks]
    except BotError as exc:
        found = [("configuration", False, True, exc.message)]
    except Exception:  # noqa: BLE001 - a check that crashes is shown as one, not as a dead page
        from loguru import logger

        logger.opt(exception=True).debug("Vérifications du tableau de bord")
        found = [("vérifications", False, True, "Erreur inattendue : le détail est dans le journal du bot.")]
    app.doctor = {"running": False, "checks": found}


def settings(app, form: dict[str, str]) -> str:
    from bot.app import settings_form

    return " ".join(settings_form.save(form, app.environ, app.cwd))


def _period(raw: str, *, required: bool) -> str:
    raw = raw.strip()
    if not raw and not required:
        return ""
    if not _PERIOD.fullmatch(raw):
        raise BadInput("Période attendue sous la forme AAAA-MM, par exemple 2026-10.")
    return raw


def period(raw: str) -> str:
    """A period typed or sent as AAAA-MM (BadInput otherwise)."""
    return _period(raw, required=True)


def _need_identifier(app) -> str:
    if not app.account:
        raise BadInput("Indiquez d'abord votre identifiant Damancom dans « Réglages ».")
    return app.account


def _totals(text: str) -> dict[str, str]:
    from bot.ebds.records import parse

    b06 = next((r for r in parse(text) if r.type == "B06"), None)
    if b06 is None:
        return {}
    return {
        "salariés": str(b06.number("N_Nbr_Salaries")),
        "salaires réels": money(b06.number("N_T_Salaire_Reel")),
        "salaires plafonnés": money(b06.number("N_T_Salaire_Plaf")),
    }


def money(centimes: int) -> str:
    """« 3 010,16 MAD »: how a pharmacist reads an amount (narrow no-break space between thousands)."""
    whole, cents = divmod(abs(int(centimes)), 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{'-' if centimes < 0 else ''}{grouped},{cents:02d} MAD"


def trial(app, form: dict[str, str]) -> str:
    """« Mode essai » on or off: never while a run started here is going (it uses one portal)."""
    on = form.get("mode") == "essai"
    job = app.jobs.current()
    if job is not None and job.running:
        raise BadInput(
            "Une connexion lancée depuis cette page est en cours : attendez qu'elle se termine avant de "
            "changer de portail."
        )
    app.set_trial(on)
    if on:
        return (
            "Mode essai : la page utilise maintenant le portail d'essai de cet ordinateur, avec son compte "
            f"{app.account}. Rien n'est envoyé à la CNSS ; les SMS d'essai s'affichent sur cette page."
        )
    return "Mode essai arrêté : la page utilise de nouveau le vrai portail Damancom."


HANDLERS = {
    "pret": ready,
    "code": code,
    "renvoyer": resend,
    "reponse": answer,
    "connexion": login,
    "deposer": declare,
    "verifier": doctor,
    "reglages": settings,
    "essai": trial,
}
