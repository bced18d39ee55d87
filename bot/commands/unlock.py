"""`damancom-bot unlock`: after checking the account, allows the bot to log in again."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Autorise de nouveau les connexions d'un compte après des refus du portail."
ACCOUNT = "listing"  # a configured account, or any identifier (counts kept for older settings)
ACCOUNT_HELP = "le compte à débloquer (nom du fichier des comptes ou identifiant ; par défaut : celui du fichier .env)"


def add_options(parser) -> None:
    pass


def run(args, env) -> int:
    from bot.errors import ConfigError
    from bot.run.lockout import LockoutGuard, portal_key
    from bot.settings import accounts
    from bot.settings.config import load_settings

    configured = accounts.find(accounts.all_accounts(env.environ), args.account) if args.account else None
    if configured is None and not args.account:
        configured = accounts.choose(env.environ, None)
    environ = accounts.account_environ(env.environ, configured, need_password=False)
    settings = load_settings(environ, need_credentials=False, cwd=env.cwd)
    account = settings.account if configured else (args.account or settings.account)
    if not account:
        raise ConfigError("Indiquez le compte : damancom-bot unlock --account NOM.")
    guard = LockoutGuard(settings.state_dir, settings.lockout_after)
    # The count is kept per identifier on the portal; `--account` may name the alias or the identifier.
    named = settings if account == settings.account else settings.with_(identifier=account, account=account)
    before = guard.unlock(portal_key(named)) + guard.unlock(account)  # the latter: counts kept by older versions
    if before:
        env.say(f"Compte {account} débloqué ({before} refus effacés) : le bot pourra de nouveau se connecter.")
    else:
        env.say(f"Le compte {account} n'était pas bloqué.")
    return ExitCode.OK
