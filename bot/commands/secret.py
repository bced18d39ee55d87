"""`damancom-bot secret set|delete NAME`: an account's password in the system's keyring.

Typed without echo at a terminal (getpass); read from the first line of standard input when it
is not a terminal (a script, a password manager's pipe). Never written to disk by the bot."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Range le mot de passe d'un compte dans le trousseau du système (set), ou l'en retire (delete)."
ACCOUNT = "none"  # NAME is the command's own argument


def add_options(parser) -> None:
    parser.add_argument("action", choices=["set", "delete"], help="set (enregistrer) ou delete (retirer)")
    parser.add_argument("name", metavar="NOM", help="le nom du compte (celui du fichier des comptes, ou l'identifiant)")


def run(args, env) -> int:
    from bot.errors import BadInput
    from bot.settings import accounts, secrets

    name = accounts.resolve_name(env.environ, args.name)
    if args.action == "delete":
        removed = secrets.forget(name)
        env.say(
            f"Mot de passe du compte {name} retiré du trousseau."
            if removed
            else f"Le trousseau ne contenait pas de mot de passe pour le compte {name}."
        )
        return ExitCode.OK
    password = _typed(env, name)
    if not password:
        raise BadInput("Mot de passe vide : rien n'a été enregistré.")
    secrets.store(name, password)
    env.say(f"Mot de passe du compte {name} enregistré dans {secrets.where()}.")
    return ExitCode.OK


def _typed(env, name: str) -> str:
    import getpass

    from bot.errors import BadInput
    from bot.output import redact
    from bot.settings import secrets

    stdin = env.stdin
    if not (hasattr(stdin, "isatty") and stdin.isatty()):
        password = (stdin.readline(secrets.MAX_PASSWORD + 2) or "").rstrip("\r\n")  # a bounded line
        redact.register(password)
        return password
    first = getpass.getpass(f"Mot de passe Damancom du compte {name} (rien ne s'affiche) : ", stream=env.stderr)
    redact.register(first)
    second = getpass.getpass("Retapez-le pour confirmer : ", stream=env.stderr)
    if first != second:
        raise BadInput("Les deux saisies diffèrent : rien n'a été enregistré. Recommencez.")
    return first
