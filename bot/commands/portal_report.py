"""`damancom-bot portal-report`: packs the last snapshots of pages the bot did not understand into
one zip (« rapport de portail ») for whoever maintains the selectors; shows what is inside first."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = (
    "Rassemble les dernières pages du portail que le bot n'a pas comprises en un fichier (rapport de "
    "portail) à envoyer à qui maintient vos sélecteurs ; montre d'abord son contenu."
)

ACCOUNT = "listing"  # `--account` (bot/commands/options.py) keeps one account's pages


def add_options(parser) -> None:
    parser.add_argument(
        "--nombre", type=int, default=5, metavar="N", help="combien de pages, les plus récentes (par défaut 5)"
    )
    parser.add_argument(
        "--sortie",
        metavar="FICHIER",
        help="le fichier à écrire (par défaut rapport-portail-DATE.zip dans le dossier courant)",
    )
    parser.add_argument("--oui", action="store_true", help="écrit le fichier sans demander de confirmation")


def run(args, env) -> int:
    from pathlib import Path

    from bot.audit import portal_report
    from bot.errors import BadInput
    from bot.settings.config import load_settings
    from bot.system import clock

    if not 1 <= args.nombre <= 100:
        raise BadInput(f"--nombre {args.nombre} : attendu un nombre de 1 à 100.")
    settings = load_settings(env.environ, need_credentials=False)
    snapshots = portal_report.latest(settings.recordings, args.nombre, args.account)
    if not snapshots:
        raise BadInput(
            f"Aucune page incomprise enregistrée dans {settings.recordings} : le bot n'en garde que "
            "lorsqu'il s'arrête sur un écran inconnu (code 6) ou un refus du portail."
        )
    target = Path(args.sortie or f"rapport-portail-{clock.now():%Y%m%d-%H%M}.zip")
    env.say(f"Le rapport de portail contiendra {len(snapshots)} page(s) :")
    for snap in snapshots:
        env.say(f"  - {snap.describe()}")
    env.say(
        "Rien de secret : ni valeur saisie, ni champ caché, ni script, ni paramètre d'adresse ; mot de passe "
        "et codes masqués ; les captures ont leurs champs secrets noircis."
    )
    if not args.oui:
        env.stdout.write(f"Écrire « {target} » ? (o/n) ")
        env.stdout.flush()
        if env.stdin.readline().strip().lower() not in ("o", "oui", "y", "yes"):
            env.say("Rien n'a été écrit.")
            return ExitCode.OK
    try:
        portal_report.pack(snapshots, target)
    except OSError as exc:
        from bot.errors import StorageError

        raise StorageError.from_os(exc, target.parent) from None
    env.say(f"Rapport de portail écrit : {target.resolve()} — envoyez ce fichier à qui maintient vos sélecteurs.")
    return ExitCode.OK
