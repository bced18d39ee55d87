"""`damancom-bot schedule`: the monthly planner (long-running); --install/--uninstall the service."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Planificateur mensuel : essaie aux heures creuses jusqu'à l'échéance du 10 (tourne en continu)."

ACCOUNT = "listing"  # every account; `--account` keeps one


def add_options(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--install", action="store_true", help="installe le service (systemd ou Planificateur de tâches)"
    )
    group.add_argument("--uninstall", action="store_true", help="retire le service")


def run(args, env) -> int:
    from bot.schedule import install

    if args.install:
        for line in install.install(env.environ, env.cwd):
            env.say(line)
        return ExitCode.OK
    if args.uninstall:
        for line in install.uninstall(env.environ):
            env.say(line)
        return ExitCode.OK
    from bot.errors import BotError
    from bot.handover.build import build_notifier
    from bot.ledger.ledger import Ledger
    from bot.schedule import heartbeat
    from bot.schedule.service import Planner, serve
    from bot.settings import accounts
    from bot.settings.config import load_settings, state_dir

    if args.account:  # an unknown name is refused, never replaced by the `.env` account
        accounts.choose(env.environ, args.account)
    try:
        planner = _accounts_planner(args, env)
        if planner is None:  # the `.env` account alone, as always
            settings = load_settings(env.environ, need_credentials=True, cwd=env.cwd)
            planner = Planner(
                settings, _plan_source(env.environ, env.cwd), Ledger(settings.state_dir), build_notifier(settings)
            )
        serve(planner, planner.settings.state_dir, env.say)
    except KeyboardInterrupt:  # exit 130 like every interrupted command (README)
        env.say("Planificateur arrêté. Les essais prévus sont gardés dans le registre.")
        return ExitCode.INTERRUPTED
    except BotError as exc:
        if "Un planificateur tourne déjà" not in exc.message:  # the running one's state stays as it is
            try:  # `status` says why; the service does not restart on this code (RestartPreventExitStatus)
                heartbeat.stopped(state_dir(env.environ), env.now(), int(exc.exit_code), exc.message)
            except OSError:
                pass
        raise
    return ExitCode.OK


def _accounts_planner(args, env):
    """With an accounts file: one Planner per account (or the one `--account` names), one ledger,
    at most DAMANCOM_PARALLEL attempts at once. None without an accounts file."""
    from bot.handover.build import build_notifier
    from bot.ledger.ledger import Ledger
    from bot.run.fleet import parallel
    from bot.schedule.fleet import FleetPlanner
    from bot.schedule.service import Planner
    from bot.settings import accounts
    from bot.settings.config import load_settings

    if accounts.accounts_file(env.environ) is None:
        return None
    every = accounts.all_accounts(env.environ)
    if args.account:
        every = [accounts.choose(env.environ, args.account)]
    planners = []
    for account in every:
        environ = accounts.account_environ(env.environ, account, need_password=True)
        settings = load_settings(environ, need_credentials=True, cwd=env.cwd)  # a missing password stops here
        planners.append(
            Planner(
                settings,
                _plan_source(environ, env.cwd),
                Ledger(settings.state_dir),
                build_notifier(settings),
                child_account=account.name,
            )
        )
    slots = parallel(env.environ)
    if slots > 1 and any(p.settings.telegram_token for p in planners) and len(planners) > 1:
        # Each attempt is a child process reading its Telegram answers: two at once on one bot
        # would take each other's. `login --all` shares one reader; the scheduler takes turns.
        env.say("Telegram configuré : les essais des comptes se font l'un après l'autre.")
        slots = 1
    env.say(
        f"Planificateur pour {len(planners)} compte(s) : "
        + ", ".join(p.account for p in planners)
        + f" ; au plus {slots} connexion(s) à la fois."
    )
    return FleetPlanner(planners, slots, groups={a.name: a.group for a in every if a.group})


def _plan_source(environ: dict, cwd):
    """The plan, re-read at every tick: values from `.env` are read again (a deadline override added
    mid-month applies without a restart); values from the real environment stay as they were."""
    from bot.schedule.plan import parse_plan
    from bot.settings import envfile
    from bot.settings.config import env_files, read_environment

    from_file = {}
    for env_file in env_files(environ, cwd):
        from_file.update(envfile.values(env_file, warn=False))  # read as read_environment reads it
    fixed = {k: v for k, v in environ.items() if from_file.get(k) != v}
    return lambda: parse_plan(read_environment(fixed, cwd))
