"""`damancom-bot unlock`: after checking the account, allows the bot to log in again."""

from __future__ import annotations

HELP = "Autorise de nouveau les connexions d'un compte après des refus du portail."


def add_options(parser) -> None:
    parser.add_argument("--account", help="le compte à débloquer (par défaut : celui du fichier .env)")


def run(args, env) -> int:
    from bot.errors import ConfigError
    from bot.run.lockout import LockoutGuard, portal_key
    from bot.settings.config import load_settings

    settings = load_settings(env.environ, need_credentials=False)
    account = args.account or settings.account
    if not account:
        raise ConfigError("Indiquez le compte : damancom-bot unlock --account IDENTIFIANT.")
    guard = LockoutGuard(settings.state_dir, settings.lockout_after)
    # The count is kept per identifier on the portal; `--account` may name the alias or the identifier.
    named = settings if account == settings.account else settings.with_(identifier=account, account=account)
    before = guard.unlock(portal_key(named)) + guard.unlock(account)  # the latter: counts kept by older versions
    if before:
        env.say(f"Compte {account} débloqué ({before} refus effacés) : le bot pourra de nouveau se connecter.")
    else:
        env.say(f"Le compte {account} n'était pas bloqué.")
    return 0
