"""`damancom-bot declare --period AAAA-MM [--file F]`: log in and file the declaration, once.
`declare --all --period P`: every account's waiting file, concurrently (bot/run/fleet.py)."""

from __future__ import annotations

import argparse

from bot.commands import options

HELP = "Dépose la déclaration d'une période (fichier e-BDS vérifié avant l'envoi) et garde l'accusé."
ACCOUNT = "password"


def add_options(parser) -> None:
    parser.add_argument("--period", required=True, help="la période, AAAA-MM")
    parser.add_argument("--file", help="le fichier DS_….txt (par défaut : celui qui attend dans la boîte de dépôt)")
    parser.add_argument("--headed", action="store_true",
                        help="affiche le navigateur ; vous cliquez vous-même sur « Valider la déclaration »")
    parser.add_argument("--unattended", action="store_true", help="sans surveillance (planificateur)")
    options.add_all(parser, "dépôt (fichier de chaque compte dans sa boîte de dépôt)")
    parser.add_argument("--result-json", help=argparse.SUPPRESS)


def run(args, env) -> int:
    options.period(args.period, required=True)
    if args.all_accounts:
        from bot.errors import BadInput
        from bot.run import fleet

        if args.file:
            raise BadInput("--file ne va pas avec --all : le fichier de chaque compte est pris dans sa boîte de dépôt.")
        return fleet.run_all(args, env, declare_one, what=f"Déclaration {args.period}")
    return declare_one(args, env)


def declare_one(args, env, browser=None) -> int:
    from pathlib import Path

    from bot.commands.run_setup import prepare, run_recorded
    from bot.errors import BadInput
    from bot.ledger.ledger import Ledger, note_login
    from bot.output import console
    from bot.run.filing_task import FilingTask, inbox, waiting_file
    from bot.schedule.attempt import write_result
    from bot.schedule.plan import parse_plan
    from bot.system import clock

    chosen: dict = {}

    def check(settings) -> None:
        path = Path(args.file) if args.file else waiting_file(settings.state_dir, settings.account, args.period)
        if path is None:
            raise BadInput(f"Aucun fichier de déclaration : indiquez --file, ou déposez-le dans "
                           f"{inbox(settings.state_dir, settings.account, args.period)}.")
        if not path.is_file():
            raise BadInput(f"Fichier introuvable : {path}.")
        chosen["path"] = path

    setup = prepare(args, env, args.period, password_in_window=False, check=check)
    settings, path = setup.settings, chosen["path"]
    task = FilingTask(path, args.period, Ledger(settings.state_dir), parse_plan(env.environ),
                      assisted=not setup.headless)
    env.say(f"Déclaration {args.period} avec {path.name} : connexion à {settings.url}.")
    result = run_recorded(args, setup, task=task, browser=browser)
    note_login(settings.state_dir, settings.account, result.summary, clock.now())
    write_result(args.result_json, 0, "declared", setup.recorder.folder, f"Accusé de réception {task.receipt}.",
                 periods=result.summary.periods)
    console.login_summary(env, result, sandbox=False)
    if task.already_declared:
        env.say(f"  La période {args.period} était déjà « Déclarée » : rien n'a été redéposé. "
                f"Accusé de réception : {task.receipt}.")
    else:
        env.say(f"  Déclaration {args.period} déposée. Accusé de réception : {task.receipt}.")
    return 0
