"""`damancom-bot login`: log in to the configured portal; the person hands over the code.
`login --all`: every account of the accounts file, concurrently (bot/run/fleet.py)."""

from __future__ import annotations

import argparse

from bot.commands import options
from bot.exit_codes import ExitCode

HELP = "Connexion au vrai portail avec les réglages du fichier .env (code SMS donné par vous)."
ACCOUNT = "password"


def add_options(parser) -> None:
    parser.add_argument(
        "--headed", action="store_true", help="affiche le navigateur : vous pouvez y saisir le code vous-même"
    )
    parser.add_argument(
        "--unattended",
        action="store_true",
        help="exécution sans surveillance : demande « damancom-bot ready » avant tout SMS",
    )
    parser.add_argument("--period", help="la période concernée, AAAA-MM (par défaut : le mois précédent)")
    parser.add_argument(
        "--watch-declaration",
        action="store_true",
        help="avec --headed : si la période est « À déclarer », laisse le navigateur pour la "
        "déposer et attend qu'elle soit « Déclarée »",
    )
    options.add_all(parser, "connexion")
    parser.add_argument("--result-json", help=argparse.SUPPRESS)  # the scheduler reads the outcome there


def run(args, env) -> int:
    options.period(args.period)
    if args.all_accounts:
        from bot.commands.run_setup import group_steps
        from bot.run import fleet

        return fleet.run_all(args, env, login_one, what="Connexion", steps=group_steps())
    return login_one(args, env)


def login_one(args, env, browser=None) -> int:
    from bot.commands.run_setup import prepare, run_recorded
    from bot.ledger.ledger import note_login
    from bot.output import console
    from bot.run.lockout import LockoutGuard, portal_key
    from bot.run.runner import hand_over_browser
    from bot.schedule.attempt import write_result

    setup = prepare(args, env, args.period or "", password_in_window=True)
    settings, recorder = setup.settings, setup.recorder
    local = console.on_this_computer(settings.url)
    where = f"{settings.url} (portail d'essai sur cet ordinateur)" if local else settings.url
    if settings.auth == "eid":
        env.say(f"Connexion à {where} avec l'Identité Numérique (e-ID).")
    elif not LockoutGuard(settings.state_dir, settings.lockout_after).locked(portal_key(settings)):
        # a suspended account gets no SMS: the run refuses it at once, without this announcement
        env.say(f"Connexion à {where} avec l'identifiant {settings.identifier}.")
        env.say("Le portail va envoyer un code à 6 chiffres par SMS au téléphone enregistré à la CNSS.")
    watch = getattr(args, "watch_declaration", False)  # `declare --all`'s accounts without a file come here
    task = hand_over_browser if watch and not setup.headless else None
    result = run_recorded(args, setup, task=task, browser=browser)
    state = result.summary.state_of(recorder.period)
    note_login(settings.state_dir, settings.account, result.summary, env.now())
    write_result(args.result_json, 0, state, recorder.folder, "Espace affilié atteint.", periods=result.summary.periods)
    console.login_summary(env, result, sandbox=console.on_this_computer(settings.url))
    if state == "to_declare":
        env.say(f"  La période {recorder.period} est « À déclarer » sur le portail.")
    return ExitCode.OK
