"""`damancom-bot login`: log in to the configured portal; the code is typed at the prompt."""

from __future__ import annotations

HELP = "Connexion au vrai portail avec les réglages du fichier .env (code SMS saisi au clavier)."


def add_options(parser) -> None:
    parser.add_argument("--headed", action="store_true", help="affiche la fenêtre du navigateur")


def run(args, env) -> int:
    from bot import console
    from bot.config import load_settings
    from bot.otp import PromptCodeSource
    from bot.recorder import Recorder
    from bot.runner import run_login

    settings = load_settings(env.environ, need_credentials=True)
    headless = settings.headless and not args.headed
    console.require_display(not headless, env.environ)
    codes = PromptCodeSource(env.stdin, env.stdout, settings.code_wait)
    env.say(f"Connexion à {settings.url} avec l'identifiant {settings.identifier}.")
    env.say("Le portail va envoyer un code à 6 chiffres par SMS au téléphone enregistré à la CNSS.")
    result = run_login(settings, codes, Recorder(settings.recordings), headless=headless)
    console.login_summary(env, result, sandbox=False)
    return 0
