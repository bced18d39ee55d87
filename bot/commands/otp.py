"""`damancom-bot otp CODE`: hands the SMS code to the run waiting for it, from any terminal."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Donne le code SMS à la connexion en attente (depuis n'importe quel terminal)."

ACCOUNT = "waiting"  # `--account` (bot/commands/options.py): the run waiting for it
ACCOUNT_HELP = "le compte concerné (par défaut : le seul en attente)"


def add_options(parser) -> None:
    parser.add_argument("code", nargs="?", help="le code à 6 chiffres reçu par SMS")
    parser.add_argument("--resend", action="store_true", help="demande au portail de renvoyer le code")


def run(args, env) -> int:
    from bot.errors import InvalidCode
    from bot.handover import dropbox
    from bot.handover.client import deliver, find_waiting

    if args.code is None and not args.resend:
        raise InvalidCode("Indiquez le code reçu par SMS : damancom-bot otp 123456 (ou --resend pour le renvoyer).")
    code = None
    if args.code is not None:
        from bot.handover.code import parse_code

        code = parse_code(args.code)  # refused here, before any run sees it
    account, folder, waiting = find_waiting(env, args.account, phase="code")
    if args.resend:
        taken = deliver(folder / dropbox.RESEND_FILE, {})
        env.say(
            f"Demande de renvoi du code transmise à la connexion du compte {account}."
            if taken
            else f"Demande de renvoi déposée pour le compte {account}."
        )
        if code is None:
            return ExitCode.OK
    taken = deliver(folder / dropbox.CODE_FILE, {"code": code})
    env.say(
        f"Code remis à la connexion en cours du compte {account}."
        if taken
        else f"Code déposé pour le compte {account} : la connexion le prendra dès qu'elle le pourra."
    )
    return ExitCode.OK
