"""`damancom-bot declare --period AAAA-MM [--file F]`: log in and file the declaration, once."""

from __future__ import annotations

import argparse

HELP = "Dépose la déclaration d'une période (fichier e-BDS vérifié avant l'envoi) et garde l'accusé."


def add_options(parser) -> None:
    parser.add_argument("--period", required=True, metavar="AAAA-MM", help="la période, par exemple 2026-10")
    parser.add_argument("--file", metavar="FICHIER",
                        help="le fichier DS_….txt (par défaut : celui qui attend dans la boîte de dépôt)")
    parser.add_argument("--headed", action="store_true",
                        help="affiche le navigateur ; vous cliquez vous-même sur « Valider la déclaration »")
    parser.add_argument("--verifier", action="store_true",
                        help="se connecte même si la période est déjà déposée, pour le vérifier sur le portail")
    parser.add_argument("--sans-confirmation", action="store_true",
                        help="valide sans demander « Confirmer le dépôt ? » après les totaux")
    parser.add_argument("--unattended", action="store_true", help="sans surveillance (planificateur)")
    parser.add_argument("--result-json", help=argparse.SUPPRESS)


def run(args, env) -> int:
    import re
    from pathlib import Path

    from bot.errors import BadInput
    from bot.ledger.ledger import DONE, Ledger
    from bot.ledger.words import day
    from bot.run.filing_task import check_locally, inbox, waiting_file
    from bot.schedule.attempt import write_result
    from bot.settings.config import load_settings

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.period):
        raise BadInput(f"--period {args.period} : attendu AAAA-MM, par exemple 2026-10.")
    settings = load_settings(env.environ, need_credentials=True)
    path = Path(args.file) if args.file else waiting_file(settings.state_dir, settings.account, args.period)
    if path is None:
        raise BadInput(f"Aucun fichier de déclaration : indiquez --file, ou déposez-le dans "
                          f"{inbox(settings.state_dir, settings.account, args.period)}.")
    if not path.is_file():
        raise BadInput(f"Fichier introuvable : {path}.")
    check_locally(path, args.period)  # before any login: a bad file costs no SMS
    row = Ledger(settings.state_dir).period(settings.account, args.period)
    if row is not None and row.state == DONE and not args.verifier:
        receipt = f", accusé de réception {row.receipt}" if row.receipt else ""
        when = f" (noté le {day(row.updated)})" if row.updated else ""
        text = (f"La déclaration {args.period} est déjà déposée{receipt}{when} : rien n'a été fait, aucun SMS "
                "demandé. Pour le vérifier sur le portail : damancom-bot declare --period "
                f"{args.period} --verifier.")
        write_result(args.result_json, 0, "declared", "", text)
        env.say(text)
        return 0
    return _file(args, env, settings, path)


def _file(args, env, settings, path) -> int:
    from bot.audit.recorder import Recorder
    from bot.errors import BotError
    from bot.handover.build import build_handover
    from bot.ledger.ledger import Ledger, note_login
    from bot.output import console
    from bot.run.filing_task import FilingTask
    from bot.run.runner import run_login
    from bot.schedule.attempt import write_result
    from bot.schedule.plan import parse_plan
    from bot.system import clock

    headless = settings.headless and not args.headed
    console.require_display(not headless, env.environ)
    recorder = Recorder(settings.recordings, settings.account, args.period, tsa_url=settings.tsa_url,
                        kind="declaration")
    person = build_handover(settings, env, recorder.run_id, terminal=not args.unattended,
                            assisted=not headless and settings.auth == "otp", unattended=args.unattended)
    task = FilingTask(path, args.period, Ledger(settings.state_dir), parse_plan(env.environ), assisted=not headless,
                      confirm=not args.unattended and not args.sans_confirmation)
    env.say(f"Déclaration {args.period} avec {path.name} : connexion à {settings.url}.")
    try:
        result = run_login(settings, person, recorder, headless=headless, task=task)
    except BotError as exc:
        write_result(args.result_json, int(exc.exit_code), None, recorder.folder, exc.message,
                     reason=getattr(exc, "reason", None))
        raise
    note_login(settings.state_dir, settings.account, result.summary, clock.now())
    write_result(args.result_json, 0, "declared", recorder.folder, f"Accusé de réception {task.receipt}.",
                 periods=result.summary.periods)
    console.login_summary(env, result, sandbox=False)
    if task.already_declared:
        env.say(f"  La période {args.period} était déjà « Déclarée » : rien n'a été redéposé. "
                f"Accusé de réception : {task.receipt}.")
    else:
        env.say(f"  Déclaration {args.period} déposée. Accusé de réception : {task.receipt}.")
    return 0
