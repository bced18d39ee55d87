"""`damancom-bot bds check FILE [--preetabli FILE]` and `damancom-bot bds build --preetabli FILE
--salaries salaires.csv`: e-BDS declaration files, checked before anything is sent."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Fichiers e-BDS : vérifie une déclaration (check) ou la construit depuis le préétabli (build)."

ACCOUNT = "listing"  # `--account` (bot/commands/options.py) narrows to one account


def add_options(parser) -> None:
    parser.add_argument("action", choices=["check", "build"], help="check FICHIER, ou build")
    parser.add_argument("file", nargs="?", help="pour check : le fichier de déclaration (DS_….txt)")
    parser.add_argument("--preetabli", help="le préétabli de la période (fichier reçu de la CNSS)")
    parser.add_argument("--salaries", help="pour build : le fichier CSV des salaires")
    parser.add_argument("--out", default=".", help="pour build : le dossier où écrire le fichier (défaut : ici)")
    parser.add_argument("--period", help="pour check : la période attendue, AAAA-MM")
    parser.add_argument("--affiliate", help="pour check : le numéro d'affiliation attendu (7 chiffres)")


def _read(path: str, what: str) -> str:
    from pathlib import Path

    from bot.errors import BadInput

    try:
        return Path(path).read_bytes().decode("latin-1")  # e-BDS files are plain ASCII; never fail on a byte
    except OSError as exc:
        raise BadInput(f"{what} « {path} » illisible ({exc.strerror}).") from None


def _target(out, name: str):
    from bot.errors import BadInput

    try:
        is_dir, exists = out.is_dir(), out.exists()
    except (OSError, ValueError):
        is_dir, exists = False, False
    if not is_dir:
        what = "n'est pas un dossier" if exists else "n'existe pas"
        raise BadInput(f"--out « {str(out)[:200]} » {what} : indiquez un dossier existant où écrire la déclaration.")
    return out / name


def run(args, env) -> int:
    from pathlib import Path

    from bot.errors import BadInput

    preetabli = _read(args.preetabli, "Préétabli") if args.preetabli else None
    if args.action == "check":
        from bot.ebds.check import check

        if not args.file:
            raise BadInput("Indiquez le fichier à vérifier : damancom-bot bds check DS_1234567_102026.txt")
        problems = check(_read(args.file, "Fichier"), preetabli=preetabli, affiliate=args.affiliate,
                         period=args.period)
        if not problems:
            env.say(f"Fichier conforme : {args.file}" + (" (et cohérent avec le préétabli)." if preetabli else "."))
            return 0
        env.say(f"{len(problems)} problème(s) dans {args.file} :")
        for problem in problems:
            env.say(f"  - {problem}")
        return ExitCode.BAD_INPUT
    from bot.ebds.build import build
    from bot.ebds.cap import cap_for, caps
    from bot.ebds.records import parse

    if not preetabli or not args.salaries:
        raise BadInput("Indiquez le préétabli et les salaires : damancom-bot bds build --preetabli FICHIER "
                          "--salaries salaires.csv")
    header = next((r for r in parse(preetabli) if r.type == "A01"), None)
    if header is None:
        raise BadInput(f"« {args.preetabli} » n'est pas un préétabli (pas d'enregistrement A01).")
    name, content = build(preetabli, _read(args.salaries, "Fichier des salaires"),
                          cap_for(header.text("L_Periode"), caps(env.environ)))
    target = _target(Path(args.out), name)
    try:
        target.write_bytes(content.encode("ascii"))
    except OSError as exc:
        from bot.errors import StorageError

        raise StorageError(f"Impossible d'écrire {target} ({exc.strerror}). Choisissez un autre dossier avec --out.") from None
    env.say(f"Déclaration écrite et vérifiée : {target}")
    return 0
