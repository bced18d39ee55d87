"""`damancom-bot answer TEXT`: answers the question the portal asked (a captcha), from any terminal."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Répond à la question posée par le portail (captcha), depuis n'importe quel terminal."

ACCOUNT = "waiting"  # `--account` (bot/commands/options.py): the run waiting for it
ACCOUNT_HELP = "le compte concerné (par défaut : le seul en attente)"


def add_options(parser) -> None:
    parser.add_argument("answer", help="la réponse, par exemple les caractères de l'image")


def run(args, env) -> int:
    from bot.handover import dropbox
    from bot.handover.client import deliver, find_waiting
    from bot.handover.mailbox import Mailbox

    answer = Mailbox().offer_answer(args.answer, "commande")  # refused here, before any run sees it
    account, folder, _ = find_waiting(env, args.account, phase="question")
    taken = deliver(folder / dropbox.ANSWER_FILE, {"answer": answer})
    env.say(
        f"Réponse remise à la connexion en cours du compte {account}."
        if taken
        else f"Réponse déposée pour le compte {account} : la connexion la prendra dès qu'elle le pourra."
    )
    return ExitCode.OK
