"""Options several commands share, defined once: `--account NAME`, and choosing that account.

Each command module says how it uses the account with `ACCOUNT`:
- "password": the run logs in (login, declare, learn): the account's settings and password;
- "one" (the default): the account's settings, no password (unlock, done, doctor, report…);
- "waiting": a run already waiting is meant (otp, ready, answer): only the name is resolved;
- "listing": the command covers every account, `--account` keeps one (status, schedule);
- "sandbox": the simulated portal's account (sandbox approve).
"""

from __future__ import annotations

ACCOUNT_HELP = (
    "le compte : son nom dans le fichier des comptes (ou son identifiant) ; par défaut le seul "
    "compte, ou celui du fichier .env"
)


def add_account(parser, *, default: str | None = None, help: str = ACCOUNT_HELP) -> None:
    parser.add_argument("--account", metavar="NOM", default=default, help=help)


def add_all(parser, what: str) -> None:
    parser.add_argument(
        "--all",
        action="store_true",
        dest="all_accounts",
        help=f"{what} pour tous les comptes du fichier des comptes, en parallèle "
        "(au plus DAMANCOM_PARALLEL à la fois, 4 par défaut)",
    )


def use_account(module, args, env) -> None:
    """Called once by the CLI after the environment is read: `env.environ` becomes the chosen
    account's (its keys over the DAMANCOM_ variables); `env.base_environ` keeps the original."""
    from bot.settings import accounts

    env.base_environ = dict(env.environ)
    how = getattr(module, "ACCOUNT", "one")
    name = getattr(args, "account", None)
    if how in ("sandbox", "none") or getattr(args, "all_accounts", False):
        return
    if how in ("waiting", "listing"):
        if name:
            args.account = accounts.resolve_name(env.environ, name)
        return
    chosen = accounts.choose(env.environ, name)
    env.environ = accounts.account_environ(env.environ, chosen, need_password=how == "password")


def period(value: str | None, *, required: bool = False) -> str | None:
    """`--period AAAA-MM`, checked (exit 2)."""
    from bot.system.clock import checked_period

    return checked_period(value, required=required)
