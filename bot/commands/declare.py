"""`damancom-bot declare --period AAAA-MM [--file F]`: log in and file the declaration, once.
`declare --all --period P`: every account's waiting file, concurrently (bot/run/fleet.py)."""

from __future__ import annotations

import argparse

from bot.commands import options
from bot.exit_codes import ExitCode

HELP = "Dépose la déclaration d'une période (fichier e-BDS vérifié avant l'envoi) et garde l'accusé."
ACCOUNT = "password"


def add_options(parser) -> None:
    parser.add_argument("--period", required=True, metavar="AAAA-MM", help="la période, par exemple 2026-10")
    parser.add_argument(
        "--file", metavar="FICHIER", help="le fichier DS_….txt (par défaut : celui qui attend dans la boîte de dépôt)"
    )
    parser.add_argument(
        "--headed",
        action="store_true",
        help="affiche le navigateur ; vous cliquez vous-même sur « Valider la déclaration »",
    )
    parser.add_argument(
        "--verifier",
        action="store_true",
        help="se connecte même si la période est déjà déposée, pour le vérifier sur le portail",
    )
    parser.add_argument(
        "--sans-confirmation",
        action="store_true",
        help="valide sans demander « Confirmer le dépôt ? » après les totaux",
    )
    parser.add_argument("--unattended", action="store_true", help="sans surveillance (planificateur)")
    options.add_all(parser, "dépôt (fichier de chaque compte dans sa boîte de dépôt)")
    parser.add_argument("--result-json", help=argparse.SUPPRESS)


def run(args, env) -> int:
    options.period(args.period, required=True)
    if args.all_accounts:
        from bot.commands.run_setup import group_steps
        from bot.errors import BadInput
        from bot.run import fleet

        if args.file:
            raise BadInput("--file ne va pas avec --all : le fichier de chaque compte est pris dans sa boîte de dépôt.")
        return fleet.run_all(args, env, declare_one, what=f"Déclaration {args.period}", steps=group_steps())
    return declare_one(args, env)


def declare_one(args, env, browser=None) -> int:
    from bot.commands.run_setup import prepare, run_recorded
    from bot.errors import BadInput
    from bot.ledger.ledger import DONE, Ledger, note_login
    from bot.ledger.words import day
    from bot.output import console
    from bot.run.filing_task import FilingTask, check_locally, inbox, waiting_file
    from bot.schedule.attempt import write_result
    from bot.schedule.plan import parse_plan

    chosen: dict = {}

    def check(settings) -> None:
        """Before any channel opens and any login: a bad file or a period already filed costs no SMS."""
        path = env.path(args.file) if args.file else waiting_file(settings.state_dir, settings.account, args.period)
        if path is None and args.unattended and args.all_accounts:
            raise _NothingWaiting  # the scheduler's child for several accounts: this one's space is read
        if path is None:
            raise BadInput(
                f"Aucun fichier de déclaration : indiquez --file, ou déposez-le dans "
                f"{inbox(settings.state_dir, settings.account, args.period)}."
            )
        if not path.is_file():
            raise BadInput(f"Fichier introuvable : {path}.")
        check_locally(path, args.period)
        row = Ledger(settings.state_dir).period(settings.account, args.period)
        if row is not None and row.state == DONE and not args.verifier:
            receipt = f", accusé de réception {row.receipt}" if row.receipt else ""
            when = f" (noté le {day(row.updated)})" if row.updated else ""
            raise _AlreadyFiled(
                f"La déclaration {args.period} est déjà déposée{receipt}{when} : rien n'a été fait, "
                f"aucun SMS demandé. Pour le vérifier sur le portail : damancom-bot declare --period "
                f"{args.period} --verifier."
            )
        chosen["path"] = path

    try:
        setup = prepare(args, env, args.period, password_in_window=False, check=check, kind="declaration")
    except _AlreadyFiled as filed:
        write_result(args.result_json, 0, "declared", "", str(filed))
        env.say(str(filed))
        return ExitCode.OK
    except _NothingWaiting:
        from bot.commands.login import login_one

        return login_one(args, env, browser)
    settings, path = setup.settings, chosen["path"]
    task = FilingTask(
        path,
        args.period,
        Ledger(settings.state_dir),
        parse_plan(env.environ),
        assisted=not setup.headless,
        # with --all no terminal can say whose totals a « oui » is for
        confirm=not (args.unattended or args.sans_confirmation or args.all_accounts),
    )
    env.say(f"Déclaration {args.period} avec {path.name} : connexion à {settings.url}.")
    result = run_recorded(args, setup, task=task, browser=browser)
    note_login(settings.state_dir, settings.account, result.summary, env.now())
    write_result(
        args.result_json,
        0,
        "declared",
        setup.recorder.folder,
        f"Accusé de réception {task.receipt}.",
        periods=result.summary.periods,
    )
    console.login_summary(env, result, sandbox=console.on_this_computer(settings.url))
    if task.already_declared:
        env.say(
            f"  La période {args.period} était déjà « Déclarée » : rien n'a été redéposé. "
            f"Accusé de réception : {task.receipt}."
        )
    else:
        env.say(f"  Déclaration {args.period} déposée. Accusé de réception : {task.receipt}.")
    return ExitCode.OK


class _NothingWaiting(Exception):
    """`declare --all --unattended` (the scheduler's child): no file waits for this account, so its
    run is the `login` its own attempt would have been (bot/schedule/batch.py)."""


class _AlreadyFiled(Exception):
    """The ledger says the period is filed: nothing to do, and no login (`--verifier` looks anyway)."""
