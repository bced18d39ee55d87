"""`damancom-bot login`: log in to the configured portal; the person hands over the code."""

from __future__ import annotations

import argparse

HELP = "Connexion au vrai portail avec les réglages du fichier .env (code SMS donné par vous)."


def add_options(parser) -> None:
    parser.add_argument("--headed", action="store_true",
                        help="affiche le navigateur : vous pouvez y saisir le code vous-même")
    parser.add_argument("--unattended", action="store_true",
                        help="exécution sans surveillance : demande « damancom-bot ready » avant tout SMS")
    parser.add_argument("--period", help="la période concernée, AAAA-MM (par défaut : le mois précédent)")
    parser.add_argument("--watch-declaration", action="store_true",
                        help="avec --headed : si la période est « À déclarer », laisse le navigateur pour la "
                             "déposer et attend qu'elle soit « Déclarée »")
    parser.add_argument("--result-json", help=argparse.SUPPRESS)  # the scheduler reads the outcome there


def run(args, env) -> int:
    import re

    from bot.audit.recorder import Recorder
    from bot.errors import BadInput, BotError
    from bot.handover.build import build_handover
    from bot.ledger.ledger import note_login
    from bot.output import console
    from bot.run.runner import hand_over_browser, run_login
    from bot.schedule.attempt import write_result
    from bot.settings.config import load_settings
    from bot.system import clock

    if args.period and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.period):
        raise BadInput(f"--period {args.period} : attendu AAAA-MM, par exemple 2026-10.")
    preview = load_settings(env.environ, need_credentials=False)
    headless = preview.headless and not args.headed
    settings = load_settings(env.environ, need_credentials=True, need_password=headless)
    console.require_display(not headless, env.environ)
    recorder = Recorder(settings.recordings, settings.account, args.period or "", tsa_url=settings.tsa_url)
    person = build_handover(settings, env, recorder.run_id, terminal=not args.unattended,
                            assisted=not headless and settings.auth == "otp", unattended=args.unattended)
    if settings.auth == "eid":
        env.say(f"Connexion à {settings.url} avec l'Identité Numérique (e-ID).")
    else:
        env.say(f"Connexion à {settings.url} avec l'identifiant {settings.identifier}.")
        env.say("Le portail va envoyer un code à 6 chiffres par SMS au téléphone enregistré à la CNSS.")
    try:
        task = hand_over_browser if args.watch_declaration and not headless else None
        result = run_login(settings, person, recorder, headless=headless, task=task)
    except BotError as exc:
        write_result(args.result_json, int(exc.exit_code), None, recorder.folder, exc.message,
                     reason=getattr(exc, "reason", None))
        raise
    state = result.summary.state_of(recorder.period)
    note_login(settings.state_dir, settings.account, result.summary, clock.now())
    write_result(args.result_json, 0, state, recorder.folder, "Espace affilié atteint.", periods=result.summary.periods)
    console.login_summary(env, result, sandbox=False)
    if state == "to_declare":
        env.say(f"  La période {recorder.period} est « À déclarer » sur le portail.")
    return 0
