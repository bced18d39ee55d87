"""Command-line entry point. Thin: parse, dispatch, and map every error to one exit code."""

from __future__ import annotations

import argparse
import re
import sys

from bot import __version__
from bot.env import Env
from bot.errors import BotError
from bot.exit_codes import ExitCode

from bot.commands import answer, audit, bds, declare, demo, doctor, login, otp, ready, report, sandbox, schedule, status, unlock

# Command modules import their heavy dependencies (Playwright, the sandbox) only when they run.
COMMANDS = {"demo": demo, "login": login, "declare": declare, "schedule": schedule, "status": status, "otp": otp, "answer": answer, "ready": ready, "unlock": unlock, "report": report,
            "audit": audit, "bds": bds, "doctor": doctor, "sandbox": sandbox}

_ARGPARSE_FR = [
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"\1 : choix invalide \2 (choix possibles : \3)"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"\1 : valeur invalide \3"),
    (r"argument (\S+): expected one argument", r"\1 : une valeur est attendue"),
]


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or "utilisation : ")


class FrenchParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message):
        for pattern, french in _ARGPARSE_FR:
            message = re.sub(pattern, french, message)
        self.print_usage(sys.stderr)
        self.exit(ExitCode.BAD_INPUT, f"Erreur d'utilisation : {message}. Voir « {self.prog} --help ».\n")


def build_parser() -> FrenchParser:
    parser = FrenchParser(prog="damancom-bot",
                          description="Déclaration CNSS sur Damancom : connexion avec code SMS, captures d'écran.")
    parser.add_argument("--version", action="version", version=f"damancom-bot {__version__}",
                        help="affiche la version et quitte")
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé sur la console")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    sub.required = True
    for name, module in COMMANDS.items():
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        command.set_defaults(run=module.run)
        module.add_options(command)
    return parser


def main(argv: list[str] | None = None, env: Env | None = None) -> int:
    import os

    env = env or Env(environ=dict(os.environ))
    args = build_parser().parse_args(argv)
    from bot import logs

    log_file = None
    try:
        from bot.config import read_environment, state_dir

        env.environ = read_environment(env.environ)
        log_file = logs.setup(state_dir(env.environ), console=env.stderr, verbose=args.verbose)
        return int(args.run(args, env))
    except BotError as exc:
        return _report(env, exc.exit_code, exc.message, getattr(exc, "screenshot", None))
    except KeyboardInterrupt:
        return _report(env, 130, "Interrompu à votre demande. Rien n'a été envoyé après l'interruption.")
    except Exception:  # noqa: BLE001 - the one place where a bug becomes a message instead of a traceback
        from loguru import logger

        logger.opt(exception=True).debug("Erreur inattendue")
        where = f" Le détail est dans le journal {log_file}." if log_file else ""
        return _report(env, ExitCode.BUG, f"Erreur inattendue dans damancom-bot.{where} "
                                          "Signalez-la avec ce journal (il ne contient ni mot de passe ni code).")
    finally:
        logs.close()  # the log file is not left open: main may run again in this process (tests)


def _report(env: Env, code: int, message: str, screenshot=None) -> int:
    env.stderr.write(f"Erreur : {message}\n")
    if screenshot:
        env.stderr.write(f"Capture d'écran : {screenshot}\n")
    env.stderr.write(f"(code de sortie {int(code)})\n")
    env.stderr.flush()
    return int(code)
