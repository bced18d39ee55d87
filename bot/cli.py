"""Command-line entry point. Thin: parse, dispatch, and map every error to one exit code."""

from __future__ import annotations

import argparse
import re
import sys

from bot import __version__
from bot.commands import (
    answer,
    audit,
    bds,
    declare,
    demo,
    doctor,
    done,
    learn,
    login,
    options,
    otp,
    ready,
    report,
    sandbox,
    schedule,
    secret,
    status,
    telegram,
    unlock,
)
from bot.env import Env
from bot.errors import BotError
from bot.exit_codes import ExitCode

# Command modules import their heavy dependencies (Playwright, the sandbox) only when they run.
COMMANDS = {"demo": demo, "login": login, "learn": learn, "declare": declare, "schedule": schedule, "status": status,
            "done": done, "otp": otp, "answer": answer, "ready": ready, "unlock": unlock, "report": report,
            "audit": audit, "bds": bds, "doctor": doctor, "telegram": telegram, "secret": secret,
            "sandbox": sandbox}

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
        if getattr(module, "ACCOUNT", "one") != "none":  # one `--account` for every command, defined once
            options.add_account(command, help=getattr(module, "ACCOUNT_HELP", options.ACCOUNT_HELP))
        module.add_options(command)
    return parser


def main(argv: list[str] | None = None, env: Env | None = None) -> int:
    import os

    env = env or Env(environ=dict(os.environ))
    args = build_parser().parse_args(argv)
    from bot.output import logs

    # Before anything reads the configuration (which holds the password): the scrubbing console
    # sink replaces loguru's default one, and no thread may print a traceback of its own.
    logs.setup(None, console=env.stderr, verbose=args.verbose)
    _quiet_threads()
    _private_files()
    log_file = None
    try:
        from bot.settings.config import read_environment, usable_state_dir

        env.environ = read_environment(env.environ)
        log_file = logs.setup(usable_state_dir(env.environ), console=env.stderr, verbose=args.verbose)
        _start_of_command(env.environ)
        options.use_account(COMMANDS[args.command], args, env)
        return int(args.run(args, env))
    except BotError as exc:
        return _report(env, exc.exit_code, exc.message, getattr(exc, "screenshot", None))
    except KeyboardInterrupt:
        return _report(env, 130, "Interrompu à votre demande. Rien n'a été envoyé après l'interruption.")
    except OSError as exc:
        if exc.errno not in _FILE_ERRNOS or exc.filename is None:
            return _unexpected(env, log_file)
        # A path the system refuses (too long, not a folder, no right, disk full) is the machine's
        # setting, not a bug: exit 2, the path named; the traceback goes to the log for whoever asks.
        from loguru import logger

        logger.opt(exception=True).debug("Erreur de fichier")
        shown = str(exc.filename)
        shown = shown if len(shown) <= 120 else shown[:60] + "…" + shown[-40:]
        return _report(env, ExitCode.BAD_INPUT, f"Opération impossible sur le fichier « {shown} » : "
                       f"{_FILE_ERRNOS[exc.errno]}. Vérifiez le chemin indiqué (et DAMANCOM_RECORDINGS, "
                       "DAMANCOM_STATE_DIR), ou libérez de la place sur le disque.")
    except Exception:  # noqa: BLE001 - the one place where a bug becomes a message instead of a traceback
        return _unexpected(env, log_file)
    finally:
        logs.close()  # the log file is not left open: main may run again in this process (tests)


def _unexpected(env: Env, log_file) -> int:
    from loguru import logger

    # The traceback (scrubbed, no variable values) goes to the file only; the console sink prints messages.
    logger.opt(exception=True).debug("Erreur inattendue")
    where = f" Le détail est dans le journal {log_file}." if log_file else ""
    return _report(env, ExitCode.BUG, f"Erreur inattendue dans damancom-bot.{where} "
                                      "Signalez-la avec ce journal (il ne contient ni mot de passe ni code).")


def _file_errnos() -> dict[int, str]:
    import errno

    names = {"ENAMETOOLONG": "nom ou chemin trop long", "ENOENT": "chemin introuvable",
             "ENOTDIR": "une partie du chemin n'est pas un dossier", "EISDIR": "c'est un dossier",
             "EACCES": "accès refusé", "EPERM": "opération non permise", "ENOSPC": "le disque est plein",
             "EDQUOT": "quota du disque atteint", "EROFS": "disque en lecture seule", "ELOOP": "liens en boucle",
             "EEXIST": "le fichier existe déjà", "EIO": "erreur de lecture ou d'écriture du disque",
             "EINVAL": "nom de fichier invalide", "EFBIG": "fichier trop gros", "EMLINK": "trop de liens",
             "ENOTEMPTY": "dossier non vide", "EBUSY": "fichier utilisé par un autre programme"}
    return {getattr(errno, name): text for name, text in names.items() if hasattr(errno, name)}


_FILE_ERRNOS = _file_errnos()


def _quiet_threads() -> None:
    """A failing thread (a local page hang-up, a notifier) goes to the log, never to the screen."""
    import threading

    def hook(args) -> None:
        if args.exc_type is SystemExit:
            return
        from loguru import logger

        logger.opt(exception=(args.exc_type, args.exc_value, args.exc_traceback)).debug(
            "Erreur dans une tâche de fond ({})", getattr(args.thread, "name", "?"))

    threading.excepthook = hook


def _private_files() -> None:
    """Every file and folder this process creates (logs, ledger, screenshots, receipts, trace.zip
    with its session cookie, and those written by SQLite or Playwright) is the owner's only."""
    import os

    if os.name == "posix":
        os.umask(0o077)


def _start_of_command(environ: dict[str, str]) -> None:
    """Housekeeping every command does first: codes dropped for runs that are gone are deleted."""
    from bot.handover.dropbox import sweep_stale
    from bot.settings.config import state_dir

    sweep_stale(state_dir(environ))


def _report(env: Env, code: int, message: str, screenshot=None) -> int:
    env.stderr.write(f"Erreur : {message}\n")
    if screenshot:
        env.stderr.write(f"Capture d'écran : {screenshot}\n")
    env.stderr.write(f"(code de sortie {int(code)})\n")
    env.stderr.flush()
    return int(code)
