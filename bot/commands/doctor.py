"""`damancom-bot doctor [--live]`: checks configuration, browser, folders; --live checks the portal's
reachable screens against the selector files (nothing is submitted, no SMS is sent)."""

from __future__ import annotations

HELP = "Vérifie l'installation ; avec --live, vérifie les écrans du portail (sans envoyer de SMS)."

ACCOUNT = "listing"  # every account is checked; `--account NAME` checks that one's settings


def add_options(parser) -> None:
    parser.add_argument(
        "--live",
        action="store_true",
        help="ouvre le portail configuré et vérifie chaque sélecteur sur les écrans accessibles",
    )


def run(args, env) -> int:
    from bot.exit_codes import ExitCode
    from bot.run import doctor_checks
    from bot.settings import accounts
    from bot.settings.config import load_settings

    chosen = (
        accounts.choose(env.environ, args.account)
        if args.account or len(accounts.all_accounts(env.environ)) < 2
        else None
    )  # several accounts and none named: the shared settings, and the accounts check below
    environ = accounts.account_environ(env.environ, chosen, need_password=True)
    settings = load_settings(environ, need_credentials=False, cwd=env.cwd)  # a bad value stops here, exit 2
    checks = doctor_checks.all_checks(settings, env.environ, cwd=env.cwd)
    for check in checks:
        mark = "ok " if check.ok else ("!! " if check.blocking else "-- ")
        env.say(f"{mark} {check.name:<16} {check.detail}")
    if any(not c.ok and c.blocking for c in checks):
        env.say(doctor_checks.verdict(checks))
        return ExitCode.BAD_INPUT
    if not args.live:
        env.say(doctor_checks.verdict(checks))
        return ExitCode.OK
    return _live(settings, env)


def _live(settings, env) -> int:
    from bot.audit.recorder import Recorder
    from bot.errors import SelectorsNotFound
    from bot.exit_codes import ExitCode
    from bot.run import doctor_checks
    from bot.run.runner import CONTEXT_OPTIONS, started_browser
    from flows.engine.context import FlowContext

    recorder = Recorder(settings.recordings, settings.account or "diagnostic", "diagnostic")
    env.say(f"Vérification des écrans de {settings.url} (aucun identifiant n'est envoyé).")
    with started_browser(settings, headless=True) as browsers:
        context = browsers.main.new_context(**CONTEXT_OPTIONS)
        try:
            ctx = FlowContext(
                context.new_page(),
                recorder,
                settings.action_timeout,
                settings.navigation_timeout,
                settings.selectors_dir,
            )
            rows = doctor_checks.live(ctx, settings.url)
        finally:
            context.close()
    for line in doctor_checks.table(rows):
        env.say(line)
    missing = [f"{r.screen} : {r.element}" for r in rows if r.found_by is None and not r.optional]
    recorder.finish(
        ExitCode.SCREENS_CHANGED if missing else ExitCode.OK,
        "Éléments introuvables : " + ", ".join(missing) if missing else "Tous les sélecteurs trouvés.",
    )
    env.say(f"Captures d'écran : {recorder.folder}")
    if missing:
        raise SelectorsNotFound(
            f"Éléments introuvables sur {settings.url} : {' ; '.join(missing)}. Le portail a changé : corrigez "
            f"les fichiers de selectors/ (ou un dossier DAMANCOM_SELECTORS) d'après les captures de {recorder.folder}."
        )
    env.say("Tous les éléments attendus ont été trouvés.")
    return ExitCode.OK
