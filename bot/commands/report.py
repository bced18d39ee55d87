"""`damancom-bot report [--last | PATH] [--open]`: where a run's report is, rebuilt if needed."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Affiche (ou ouvre) le rapport HTML et PDF d'une exécution."

ACCOUNT = "listing"  # `--account` (bot/commands/options.py) narrows to one account


def add_options(parser) -> None:
    parser.add_argument("path", nargs="?", metavar="DOSSIER", help="le dossier d'une exécution")
    parser.add_argument("--last", action="store_true", help="la dernière exécution (par défaut)")
    parser.add_argument("--open", action="store_true", help="ouvre le rapport dans le navigateur")
    parser.add_argument("--pdf", action="store_true", help="imprime aussi le rapport en PDF (report.pdf)")
    parser.add_argument(
        "--all",
        action="store_true",
        dest="all_accounts",
        help="avec --period : une page de résumé de tous les comptes, avec le lien de chaque rapport",
    )
    parser.add_argument("--period", help="avec --all : la période, AAAA-MM")


def run(args, env) -> int:
    import re
    import webbrowser

    from bot.audit.report import HTML_NAME, PDF_NAME
    from bot.audit.retention import run_folders
    from bot.errors import BadInput
    from bot.settings.config import load_settings

    settings = load_settings(env.environ, need_credentials=False, cwd=env.cwd)
    if args.all_accounts:
        from bot.audit.summary import summary_page

        page = summary_page(env.environ, settings.recordings, args.period)
        env.say(f"Résumé de tous les comptes : {page}")
        if args.open:
            webbrowser.open(page.resolve().as_uri())
        return ExitCode.OK
    if args.path and not args.last:
        folder = _run_folder(env.path(args.path))
    else:
        # `doctor --live` and `learn` keep their folders under « diagnostic » / « apprentissage »:
        # they are no run of a period, and have no report
        found = run_folders(settings.recordings)
        for damaged in (r for r in found if r.damaged):
            env.say(f"Attention : dossier abîmé, ignoré ({damaged.damaged}) : {damaged.path}")
        runs = [r for r in found if r.started is not None and re.fullmatch(r"\d{4}-\d{2}", r.path.parent.name)]
        if not runs:
            raise BadInput(
                f"Aucune exécution enregistrée dans {settings.recordings}. Lancez d'abord damancom-bot demo."
            )
        folder = max(runs, key=lambda r: r.started).path
    html, pdf = folder / HTML_NAME, folder / PDF_NAME
    if not html.exists():
        raise BadInput(
            f"Pas de rapport dans {folder} : l'exécution a été interrompue avant sa fin. "
            "Les captures d'écran et le manifeste y sont conservés."
        )
    env.say(f"Rapport HTML : {html}")
    if args.pdf and not pdf.exists():
        _print_pdf(folder, settings)
    if pdf.exists():
        env.say(f"Rapport PDF  : {pdf}")
    if args.open:
        webbrowser.open(html.resolve().as_uri())
    return ExitCode.OK


def _run_folder(folder):
    """The folder named on the command line, when it is a run's: a typo is not an interrupted run."""
    from bot.audit.manifest import NAME
    from bot.errors import BadInput

    shown = str(folder)[:200]
    try:
        exists, is_run = folder.is_dir(), (folder / NAME).exists()
    except (OSError, ValueError):
        exists, is_run = False, False
    if not exists:
        raise BadInput(
            f"Le dossier « {shown} » n'existe pas. Vérifiez le chemin (« damancom-bot report --last » "
            "montre le rapport de la dernière exécution)."
        )
    if not is_run:
        raise BadInput(
            f"« {shown} » n'est pas le dossier d'une exécution (aucun fichier manifest.jsonl). Indiquez "
            "un dossier recordings/<compte>/<période>/<exécution>, ou utilisez --last."
        )
    return folder


def _print_pdf(folder, settings) -> None:
    from bot.audit import journal
    from bot.audit.manifest import sha256_file
    from bot.audit.report import print_pdf
    from bot.run.runner import started_browser

    with started_browser(settings, headless=True) as browsers:
        context = browsers.main.new_context()
        try:
            pdf = print_pdf(folder, context.new_page())
        finally:
            context.close()
    journal.printed(settings.state_dir, folder.name, sha256_file(pdf))  # audit verify: this run's own PDF
