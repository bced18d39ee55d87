"""`damancom-bot schedule`: the monthly planner (long-running); --install/--uninstall the service."""

from __future__ import annotations

HELP = "Planificateur mensuel : essaie aux heures creuses jusqu'à l'échéance du 10 (tourne en continu)."


def add_options(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--install", action="store_true", help="installe le service (systemd ou Planificateur de tâches)")
    group.add_argument("--uninstall", action="store_true", help="retire le service")


def run(args, env) -> int:
    from bot.schedule import install

    if args.install:
        for line in install.install(env.environ, install.workdir()):
            env.say(line)
        return 0
    if args.uninstall:
        for line in install.uninstall(env.environ):
            env.say(line)
        return 0
    from bot.config import load_settings
    from bot.notify import build_notifier
    from bot.schedule.ledger import Ledger
    from bot.schedule.plan import parse_plan
    from bot.schedule.service import Planner, serve

    settings = load_settings(env.environ, need_credentials=True)
    planner = Planner(settings, parse_plan(env.environ), Ledger(settings.state_dir), build_notifier(settings))
    try:
        serve(planner, settings.state_dir, env.say)
    except KeyboardInterrupt:
        env.say("Planificateur arrêté. Les essais prévus sont gardés dans le registre.")
    return 0
