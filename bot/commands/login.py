"""`damancom-bot login`: log in to the configured portal; the person hands over the code."""

from __future__ import annotations

HELP = "Connexion au vrai portail avec les réglages du fichier .env (code SMS donné par vous)."


def add_options(parser) -> None:
    parser.add_argument("--headed", action="store_true",
                        help="affiche le navigateur : vous pouvez y saisir le code vous-même")
    parser.add_argument("--unattended", action="store_true",
                        help="exécution sans surveillance : demande « damancom-bot ready » avant tout SMS")


def run(args, env) -> int:
    from bot import console
    from bot.config import load_settings
    from bot.handover.build import build_handover
    from bot.audit.recorder import Recorder
    from bot.runner import run_login

    preview = load_settings(env.environ, need_credentials=False)
    headless = preview.headless and not args.headed
    settings = load_settings(env.environ, need_credentials=True, need_password=headless)
    console.require_display(not headless, env.environ)
    recorder = Recorder(settings.recordings, settings.account)
    person = build_handover(settings, env, recorder.run_id, terminal=True, assisted=not headless and settings.auth == "otp",
                            unattended=args.unattended)
    if settings.auth == "eid":
        env.say(f"Connexion à {settings.url} avec l'Identité Numérique (e-ID).")
    else:
        env.say(f"Connexion à {settings.url} avec l'identifiant {settings.identifier}.")
        env.say("Le portail va envoyer un code à 6 chiffres par SMS au téléphone enregistré à la CNSS.")
    result = run_login(settings, person, recorder, headless=headless)
    console.login_summary(env, result, sandbox=False)
    return 0
