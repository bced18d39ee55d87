"""Command-line entry point. Thin: parse, dispatch, and map every error to one exit code."""

from __future__ import annotations

import argparse
import re
import sys

from bot import __version__
from bot.commands import (
    answer,
    app,
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
    portal_report,
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
from bot.errors import BotError, OutputClosed
from bot.exit_codes import ExitCode
from bot.output.french import for_person
from bot.settings.table import person_words

# Command modules import their heavy dependencies (Playwright, the sandbox) only when they run.
COMMANDS = {
    "demo": demo,
    "login": login,
    "learn": learn,
    "declare": declare,
    "schedule": schedule,
    "status": status,
    "done": done,
    "otp": otp,
    "answer": answer,
    "ready": ready,
    "unlock": unlock,
    "report": report,
    "audit": audit,
    "bds": bds,
    "doctor": doctor,
    "telegram": telegram,
    "secret": secret,
    "sandbox": sandbox,
    "app": app,
    "portal-report": portal_report,
}

_ARGPARSE_FR = [
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments non reconnus : \1"),
    (
        r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.*)\)",
        lambda m: f"« {m[2]} » n'est pas possible pour {m[1]} (possibles : {m[3].replace(chr(39), '')})",
    ),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"\1 : valeur invalide \3"),
    (r"argument (\S+): expected one argument", r"\1 : une valeur est attendue"),
    (r"argument (\S+): not allowed with argument (\S+)", r"\1 ne va pas avec \2"),
    (r"argument (\S+): ignored explicit argument (.*)", r"\1 : valeur en trop \2"),
]
# What an option's value is, as its placeholder in --help (« --period AAAA-MM »), by destination.
METAVARS = {
    "period": "AAAA-MM",
    "file": "FICHIER",
    "account": "COMPTE",
    "preetabli": "FICHIER",
    "salaries": "FICHIER",
    "out": "DOSSIER",
    "affiliate": "NUMÉRO",
    "url": "ADRESSE",
    "wait": "SECONDES",
    "port": "PORT",
    "identifiant": "IDENTIFIANT",
    "slow_seconds": "SECONDES",
    "busy_hours": "HH:MM-HH:MM",
    "token": "JETON",
    "path": "DOSSIER",
    "code": "CODE",
    "text": "TEXTE",
    "answer": "RÉPONSE",
    "folder": "DOSSIER",
    "months": "MOIS",
    "style": "STYLE",
    "nombre": "N",
    "sortie": "FICHIER",
}


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse asks for an empty prefix when it builds a sub-command's name: keep it empty,
        # or every sub-command's usage starts « utilisation : utilisation : »
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def add_argument(self, *args, **kwargs):
        takes_value = kwargs.get("action") in (None, "store", "append") and "choices" not in kwargs
        if takes_value and "metavar" not in kwargs:
            dest = kwargs.get("dest") or args[-1].lstrip("-").replace("-", "_")
            kwargs["metavar"] = METAVARS.get(dest, "VALEUR")
        return super().add_argument(*args, **kwargs)

    def error(self, message):
        for pattern, french in _ARGPARSE_FR:
            message = re.sub(pattern, french, message)
        self.print_usage(sys.stderr)
        self.exit(ExitCode.BAD_INPUT, f"Erreur d'utilisation : {message}. Voir « {self.prog} --help ».\n")


def build_parser() -> FrenchParser:
    parser = FrenchParser(
        prog="damancom-bot", description="Déclaration CNSS sur Damancom : connexion avec code SMS, captures d'écran."
    )
    parser.add_argument(
        "--version", action="version", version=f"damancom-bot {__version__}", help="affiche la version et quitte"
    )
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
    from pathlib import Path

    env = env or Env(environ=dict(os.environ), cwd=Path.cwd())  # the process's environment, read once
    argv = sys.argv[1:] if argv is None else list(argv)
    unreadable = next((a for a in argv if _not_text(a)), None)
    if unreadable is not None:  # before argparse and loguru, which would fail on it with a traceback
        env.stderr.write(
            f"Erreur : l'argument « {_shown(unreadable)} » n'est pas du texte lisible (des octets hors "
            "UTF-8, souvent un copier-coller depuis un document, ou un terminal réglé sur un autre "
            "jeu de caractères). Retapez-le.\n"
        )
        env.stderr.flush()
        return int(ExitCode.BAD_INPUT)
    args = build_parser().parse_args(argv)
    from bot.output import logs

    # Before anything reads the configuration (which holds the password): the scrubbing console
    # sink replaces loguru's default one, and no thread may print a traceback of its own.
    logs.setup(None, console=env.stderr, verbose=args.verbose)
    _quiet_threads()
    _quiet_asyncio()
    _private_files()
    log_file = None
    try:
        from bot.settings.accounts import pinned
        from bot.settings.config import read_environment, usable_state_dir

        env.environ = pinned(read_environment(env.environ, env.cwd), env.cwd)
        log_file = logs.setup(usable_state_dir(env.environ), console=env.stderr, verbose=args.verbose)
        _start_of_command(env.environ)
        from bot.system.stop_signals import stopping_cleanly

        options.use_account(COMMANDS[args.command], args, env)
        with stopping_cleanly():  # the console window closing ends like Ctrl-C: trail closed, exit 130
            return int(args.run(args, env))
    except OutputClosed as exc:  # `status | head`: the reader left, nothing to tell it
        _output_closed(env)
        return int(exc.exit_code)
    except BotError as exc:
        return _report(env, exc.exit_code, exc.message, getattr(exc, "screenshot", None), verbose=args.verbose)
    except KeyboardInterrupt as exc:
        from bot.system.stop_signals import StopRequested

        why = (
            "Arrêt demandé (fenêtre fermée ou arrêt du système)"
            if isinstance(exc, StopRequested)
            else "Interrompu à votre demande"
        )
        return _report(
            env, ExitCode.INTERRUPTED, f"{why}. Rien n'a été envoyé après l'interruption.", verbose=args.verbose
        )
    except OSError as exc:
        if exc.errno not in _FILE_ERRNOS or exc.filename is None:
            return _unexpected(env, log_file, args.verbose)
        # A path the system refuses (too long, not a folder, no right, disk full) is the machine's
        # setting, not a bug: exit 2, the path named; the traceback goes to the log for whoever asks.
        from loguru import logger

        logger.opt(exception=True).debug("Erreur de fichier")
        shown = str(exc.filename)
        shown = shown if len(shown) <= 120 else shown[:60] + "…" + shown[-40:]
        return _report(
            env,
            ExitCode.BAD_INPUT,
            f"Opération impossible sur le fichier « {shown} » : "
            f"{_FILE_ERRNOS[exc.errno]}. Vérifiez le chemin indiqué (et DAMANCOM_RECORDINGS, "
            "DAMANCOM_STATE_DIR), ou libérez de la place sur le disque.",
            verbose=args.verbose,
        )
    except Exception:  # noqa: BLE001 - the one place where a bug becomes a message instead of a traceback
        return _unexpected(env, log_file, args.verbose)
    finally:
        logs.close()  # the log file is not left open: main may run again in this process (tests)


def _output_closed(env: Env) -> None:
    """The interpreter's last flush at exit must not print its English « Exception ignored »."""
    import os

    from loguru import logger

    logger.debug("Sortie fermée par le programme qui la lisait (tube) : arrêt sans message.")
    if env.stdout is sys.stdout:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def _not_text(arg: str) -> bool:
    """Python hands bytes that are not UTF-8 over as lone surrogates (U+DC80–U+DCFF): no text has them."""
    return any("\ud800" <= ch <= "\udfff" for ch in arg)


def _shown(arg: str) -> str:
    raw = arg.encode("utf-8", "surrogateescape") if not any("\ud800" <= c < "\udc80" for c in arg) else b"?"
    shown = raw.decode("utf-8", "backslashreplace")
    return shown if len(shown) <= 60 else shown[:60] + "…"


def _unexpected(env: Env, log_file, verbose: bool = False) -> int:
    from loguru import logger

    # The traceback (scrubbed, no variable values) goes to the file only; the console sink prints messages.
    logger.opt(exception=True).debug("Erreur inattendue")
    where = f" Le détail est dans le journal {log_file}." if log_file else ""
    return _report(
        env,
        ExitCode.BUG,
        f"Erreur inattendue dans damancom-bot.{where} "
        "Signalez-la avec ce journal (il ne contient ni mot de passe ni code).",
        verbose=verbose,
    )


from bot.output.system_fr import FILE_ERRNOS as _FILE_ERRNOS  # noqa: E402


def _quiet_threads() -> None:
    """A failing thread (a local page hang-up, a notifier) goes to the log, never to the screen."""
    import threading

    def hook(args) -> None:
        if args.exc_type is SystemExit:
            return
        from loguru import logger

        logger.opt(exception=(args.exc_type, args.exc_value, args.exc_traceback)).debug(
            "Erreur dans une tâche de fond ({})", getattr(args.thread, "name", "?")
        )

    threading.excepthook = hook


def _quiet_asyncio() -> None:
    """Playwright's driver, stopped by Ctrl-C, leaves futures whose errors asyncio prints in
    English at exit (« Future exception was never retrieved »): they go to the log only."""
    import logging

    class ToLog(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            from loguru import logger

            logger.debug("asyncio : {}", record.getMessage().splitlines()[0] if record.getMessage() else "")

    for name in ("asyncio", "playwright"):
        std = logging.getLogger(name)
        std.handlers[:] = [ToLog()]
        std.propagate = False


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


def _report(env: Env, code: int, message: str, screenshot=None, *, verbose: bool = False) -> int:
    from loguru import logger

    logger.debug("Fin de la commande (code de sortie {}) : {}", int(code), message)
    env.stderr.write(f"Erreur : {message if verbose else for_person(message, person_words())}\n")
    if screenshot:
        env.stderr.write(f"Capture d'écran : {screenshot}\n")
    if verbose:
        env.stderr.write(f"(code de sortie {int(code)})\n")
    env.stderr.flush()
    return int(code)
