"""`damancom-bot ready`: tells an unattended run that a person is there to answer the SMS."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Confirme que vous êtes là pour recevoir le SMS (connexions sans surveillance)."

ACCOUNT = "waiting"  # `--account` (bot/commands/options.py): the run waiting for it
ACCOUNT_HELP = "le compte concerné (par défaut : le seul en attente)"


def add_options(parser) -> None:
    pass


def run(args, env) -> int:
    from bot.handover import dropbox
    from bot.handover.client import deliver, find_waiting

    account, folder, _ = find_waiting(env, args.account, phase="ready")
    deliver(folder / dropbox.READY_FILE, {})
    env.say(
        f"Présence confirmée pour le compte {account} : le portail va envoyer le code par SMS. "
        "Donnez-le ensuite avec « damancom-bot otp CODE »."
    )
    return ExitCode.OK
