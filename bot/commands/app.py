"""`damancom-bot app`: the local dashboard, opened in the default browser; `--install-shortcut`
puts an icon for it on the desktop and in the applications menu."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Ouvre le tableau de bord dans votre navigateur (sur cet ordinateur seulement)."


def add_options(parser) -> None:
    parser.add_argument(
        "--no-browser", action="store_true", help="n'ouvre pas le navigateur : affiche seulement l'adresse de la page"
    )
    parser.add_argument(
        "--install-shortcut",
        action="store_true",
        help="crée un raccourci « Damancom - tableau de bord » sur le bureau et dans le menu",
    )


def run(args, env) -> int:
    from bot.errors import ConfigError

    if args.install_shortcut:
        from bot.app import shortcut

        for target in shortcut.install(env.environ, env.cwd):
            env.say(f"Raccourci créé : {target}")
        return ExitCode.OK
    from bot.app.dashboard import Dashboard
    from bot.app.server import DashboardServer
    from bot.settings import table

    port = table.APP_PORT.get(env.environ)
    raw = str(port)
    try:
        server = DashboardServer(Dashboard(env.environ, env.cwd), port)
    except OSError:
        raise ConfigError(
            f"Le port {raw} est déjà utilisé : choisissez-en un autre ({table.APP_PORT.name}) ou videz la variable."
        ) from None
    from bot.app import pages
    from bot.system.waiting import SlicedEvent

    try:
        server.start()  # uvicorn in a thread; this one waits for Ctrl-C (a sliced wait: Windows delivers it)
        pages.page(server.dashboard, None)  # what the first view needs is loaded before its address is given
        env.say(f"Tableau de bord : {server.url}")
        env.say("Gardez cette fenêtre ouverte tant que vous utilisez la page ; Ctrl+C pour arrêter.")
        if not args.no_browser:
            import webbrowser

            if not webbrowser.open(server.url):
                env.say("Le navigateur ne s'est pas ouvert : copiez l'adresse ci-dessus dans votre navigateur.")
        SlicedEvent().wait()
    finally:
        server.stop()
    return ExitCode.OK
