"""`damancom-bot audit verify PATH` and `damancom-bot audit prune`."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Vérifie un dossier d'exécution (verify) ou applique la durée de conservation (prune)."

ACCOUNT = "listing"  # `--account` (bot/commands/options.py) narrows to one account


def add_options(parser) -> None:
    parser.add_argument("action", choices=["verify", "prune"], help="verify DOSSIER, ou prune")
    parser.add_argument("path", nargs="?", help="pour verify : le dossier d'une exécution")
    parser.add_argument("--dry-run", action="store_true", help="pour prune : montre sans supprimer")


def run(args, env) -> int:
    from bot.errors import BadInput

    if args.action == "verify":
        if not args.path:
            raise BadInput("Indiquez le dossier à vérifier : damancom-bot audit verify recordings/…/…")
        from bot.audit.verify import TIMESTAMP_NAME, examine

        folder = env.path(args.path)
        try:
            is_run = (folder / "manifest.jsonl").is_file()
        except (OSError, ValueError):
            is_run = False
        if not is_run and not _exists(folder):  # a typo in the path: nothing was altered
            raise BadInput(
                f"Le dossier « {str(folder)[:200]} » n'existe pas. Vérifiez le chemin (la commande "
                "« damancom-bot report --last » montre celui de la dernière exécution)."
            )
        if not is_run:
            raise BadInput(
                f"« {str(folder)[:200]} » n'est pas un dossier d'exécution (aucun fichier manifest.jsonl). "
                "Indiquez un dossier de recordings/<compte>/<période>/."
            )
        from bot.audit.timestamp import load_trusted
        from bot.settings import table
        from bot.settings.config import state_dir

        verdict = examine(
            folder,
            ledger_dir=state_dir(env.environ),
            trusted=load_trusted(table.TSA_CERT.get(env.environ)),
        )
        if not verdict.problems:
            env.say(
                f"Dossier intact : {folder} (empreintes, chaîne du manifeste, identité de l'exécution"
                + (", horodatage" if (folder / TIMESTAMP_NAME).exists() else "")
                + " vérifiés)."
            )
        else:
            env.say(f"Dossier ALTÉRÉ : {folder}")
            for problem in verdict.problems:
                env.say(f"  - {problem}")
        for note in verdict.notes:
            env.say(f"  · {note}")
        return ExitCode.ALTERED if verdict.problems else ExitCode.OK
    return _prune(args, env)


def _prune(args, env) -> int:
    from bot.audit.retention import prune
    from bot.settings.config import load_settings

    settings = load_settings(env.environ, need_credentials=False, cwd=env.cwd)
    deleted, protected = prune(settings.recordings, settings.retention_months, env.now(), dry_run=args.dry_run)
    verb = "serait supprimé" if args.dry_run else "supprimé"
    for path in deleted:
        env.say(f"{verb} : {path}")
    for path in protected:
        env.say(f"conservé (preuve de déclaration ou marqué CONSERVER) : {path}")
    from bot.audit.retention import run_folders

    for run in (r for r in run_folders(settings.recordings) if r.damaged):  # never deleted: a person looks
        env.say(f"conservé, dossier abîmé ({run.damaged}) : {run.path}")
    env.say(
        f"{len(deleted)} dossier(s) de plus de {settings.retention_months} mois {verb}(s) ; "
        f"{len(protected)} conservé(s)."
    )
    return ExitCode.OK


def _exists(path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False
