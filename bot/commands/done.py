"""`damancom-bot done --period AAAA-MM`: the person filed it by hand; the bot stops trying."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Note une période comme déclarée à la main : le planificateur ne la tente plus."


def add_options(parser) -> None:
    parser.add_argument("--period", required=True, help="la période déposée, AAAA-MM")


def run(args, env) -> int:
    from bot.commands import options
    from bot.errors import BadInput
    from bot.ledger.ledger import Ledger
    from bot.schedule.plan import parse_plan
    from bot.settings.config import load_settings

    options.period(args.period, required=True)
    settings = load_settings(env.environ, need_credentials=False, cwd=env.cwd)
    account = settings.account
    if not account:
        raise BadInput("Quel compte ? Indiquez --account, ou DAMANCOM_IDENTIFIER dans le fichier .env.")
    ledger = Ledger(settings.state_dir)
    if ledger.declared_elsewhere(
        account, args.period, parse_plan(env.environ).deadline(args.period), env.now(), "filed_by_hand"
    ):
        env.say(f"Période {args.period} du compte {account} notée « déclarée à la main » : le bot ne la tentera plus.")
    else:
        env.say(f"La période {args.period} du compte {account} était déjà notée comme faite : rien à changer.")
    return ExitCode.OK
