"""`damancom-bot bds check FILE [--preetabli FILE]` and `damancom-bot bds build --preetabli FILE
--salaries salaires.csv`: e-BDS declaration files, checked before anything is sent."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "Fichiers e-BDS : vérifie une déclaration (check) ou la construit depuis le préétabli (build)."
SHOWN = 50  # messages printed per kind; the rest are counted

ACCOUNT = "listing"  # `--account` (bot/commands/options.py) narrows to one account


def add_options(parser) -> None:
    import argparse

    from bot.commands import options

    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    check = actions.add_parser(
        "check",
        help="vérifie un fichier de déclaration (DS_….txt)",
        description="Vérifie un fichier de déclaration e-BDS avant tout envoi.",
    )
    check.add_argument("file", nargs="?", help="le fichier de déclaration (DS_….txt)")
    check.add_argument("--preetabli", help="le préétabli de la période (fichier reçu de la CNSS)")
    check.add_argument("--period", help="la période attendue, AAAA-MM")
    check.add_argument("--affiliate", help="le numéro d'affiliation attendu (7 chiffres)")
    build = actions.add_parser(
        "build",
        help="construit la déclaration depuis le préétabli et les salaires",
        description="Construit la déclaration e-BDS depuis le préétabli et le fichier des salaires (CSV).",
    )
    build.add_argument("--preetabli", help="le préétabli de la période (fichier reçu de la CNSS)")
    build.add_argument("--salaries", help="le fichier CSV des salaires")
    build.add_argument("--out", default=".", help="le dossier où écrire le fichier (défaut : ici)")
    for action in (check, build):  # `bds check F --account X` as well as `bds --account X check F`
        options.add_account(action, default=argparse.SUPPRESS)


def _read(path, what: str) -> str:
    from bot.ebds.textfile import FileNotUsable, not_text, read_limited

    data = read_limited(path, what)
    refusal = not_text(data[:65536].decode("latin-1"))  # before decoding it all: garbage costs no memory
    if refusal:
        raise FileNotUsable(f"{what} « {path} » refusé : {refusal[0]} ; attendu {refusal[1]}.")
    return data.decode("latin-1")  # e-BDS files are plain ASCII; never fail on a byte


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


def _say_list(env, items: list, more: int, what: str) -> None:
    for item in items[:SHOWN]:
        env.say(f"  - {item}")
    hidden = len(items) - min(len(items), SHOWN) + more
    if hidden:
        env.say(f"  … et {hidden} autre(s) {what} non affiché(s).")


def run(args, env) -> int:
    return _check(args, env) if args.action == "check" else _build(args, env)


def _check(args, env) -> int:
    from bot.ebds.cap import caps
    from bot.ebds.check import inspect
    from bot.errors import BadInput

    _check_options(args)
    preetabli = _read(env.path(args.preetabli), "Préétabli") if args.preetabli else None
    if not args.file:
        raise BadInput("Indiquez le fichier à vérifier : damancom-bot bds check DS_1234567_102026.txt")
    found = inspect(
        _read(env.path(args.file), "Fichier"),
        preetabli=preetabli,
        affiliate=args.affiliate,
        period=args.period,
        caps=caps(env.environ),
    )
    return _say_findings(env, found, args.file, with_preetabli=bool(preetabli))


def _check_options(args) -> None:
    """`--period` and `--affiliate` refused before any file is read."""
    import re

    from bot.errors import BadInput

    if args.period and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", args.period):
        raise BadInput(f"--period « {args.period[:20]} » invalide : attendu AAAA-MM, par exemple 2026-10.")
    if args.affiliate and not re.fullmatch(r"[0-9]{7}", args.affiliate):
        raise BadInput(
            f"--affiliate « {args.affiliate[:20]} » invalide : attendu les 7 chiffres du numéro d'affiliation."
        )


def _say_findings(env, found, name: str, *, with_preetabli: bool) -> int:
    """Warnings, then the verdict: conforming (exit 0) or the problems (exit 2)."""
    if found.warning_count:
        env.say(f"{found.warning_count} avertissement(s) dans {name} (à vérifier ; ils n'empêchent pas l'envoi) :")
        _say_list(env, [str(w) for w in found.warnings], found.more_warnings, "avertissement(s)")
    if not found.error_count:
        env.say(f"Fichier conforme : {name}" + (" (et cohérent avec le préétabli)." if with_preetabli else "."))
        return ExitCode.OK
    env.say(f"{found.error_count} problème(s) dans {name} :")
    _say_list(env, [str(p) for p in found.errors], found.more_errors, "problème(s)")
    return ExitCode.BAD_INPUT


def _build(args, env) -> int:
    from bot.ebds.build import build_declaration
    from bot.ebds.cap import cap_for, caps
    from bot.ebds.textfile import read_limited

    preetabli, period = _preetabli_period(args, env)
    _target(env.path(args.out), "")  # a missing --out is said before any work
    built = build_declaration(
        preetabli,
        read_limited(env.path(args.salaries), "Fichier des salaires"),
        cap_for(period, caps(env.environ)),
    )
    target = _target(env.path(args.out), built.name)
    _say_built(env, built)
    _write(target, built.content)
    env.say(f"Déclaration écrite et vérifiée : {target}")
    return ExitCode.OK


def _preetabli_period(args, env) -> tuple[str, str]:
    """The préétabli's text and its period (its A01 header), once both inputs are named."""
    from bot.ebds.records import parse
    from bot.errors import BadInput

    preetabli = _read(env.path(args.preetabli), "Préétabli") if args.preetabli else None
    if not preetabli or not args.salaries:
        raise BadInput(
            "Indiquez le préétabli et les salaires : damancom-bot bds build --preetabli FICHIER --salaries salaires.csv"
        )
    header = next((r for r in parse(preetabli) if r.type == "A01" and len(r.raw) == 260), None)
    if header is None:
        raise BadInput(f"« {args.preetabli} » n'est pas un préétabli (pas d'enregistrement A01).")
    return preetabli, header.text("L_Periode")


def _say_built(env, built) -> None:
    """What building changed or doubts: the salaries' encoding, names written anew, warnings."""
    env.say(f"Fichier des salaires lu en {built.encoding}.")
    if built.changes:
        env.say(f"{len(built.changes)} nom(s) ou CIN écrit(s) dans l'alphabet du portail (A-Z, 0-9, espace, tiret) :")
        _say_list(env, built.changes, 0, "changement(s)")
    if built.warnings:
        env.say(
            f"{len(built.warnings) + built.more_warnings} avertissement(s) (à vérifier ; ils n'empêchent pas l'envoi) :"
        )
        _say_list(env, [str(w) for w in built.warnings], built.more_warnings, "avertissement(s)")


def _write(target, content: str) -> None:
    try:
        target.write_bytes(content.encode("ascii"))
    except OSError as exc:
        from bot.errors import StorageError
        from bot.output.system_fr import why

        raise StorageError(
            f"Impossible d'écrire {target} ({why(exc)}). Choisissez un autre dossier avec --out."
        ) from None
