"""`damancom-bot status [--json]`: what the bot has done and will do, per account and period, and
whether a scheduler is running at all (last look, why it stopped, attempts overdue)."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "État des déclarations : derniers essais, prochain essai et pourquoi, planificateur actif ou non."

ACCOUNT = "listing"  # every account; `--account` keeps one


DETAILED_UP_TO = 3  # accounts; beyond (or filtered), the count line and one line per account and period


def add_options(parser) -> None:
    from bot.ledger.urgency import FAMILIES

    parser.add_argument("--json", action="store_true", help="sortie JSON (pour un script)")
    parser.add_argument(
        "--etat",
        type=_family_word,
        choices=FAMILIES,
        help="seulement les périodes dans cet état : a-faire (en attente d'un essai), en-cours "
        "(essai ou dépôt en cours, code à donner), echec (le bot attend votre intervention), "
        "deposee",
    )
    parser.add_argument(
        "--nom",
        metavar="DÉBUT",
        help="seulement les comptes dont le nom commence par DÉBUT (majuscules et accents indifférents ; "
        "* pour n'importe quels caractères, ex. « *pharma* »)",
    )


def _family_word(text: str) -> str:
    """« Échec », « déposée », « a faire » are the same words as « echec », « deposee », « a-faire »."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.strip().lower()).encode("ascii", "ignore").decode()
    return "-".join(plain.replace("_", " ").replace("-", " ").split())


def run(args, env) -> int:
    import json

    from bot.schedule import glance, heartbeat
    from bot.settings.config import state_dir

    folder = state_dir(env.environ)
    scheduler = heartbeat.read(folder)
    lines = glance.gather(folder, env.environ, bool(scheduler["running"]))  # one ledger connection for all
    if args.account:
        _known(env.environ, lines, args.account)
    lines = [line for line in lines if _kept(line.account, args)]
    unplanned = _unplanned(env, {line.account for line in lines}, args)
    whole = glance.summary(lines, unplanned)  # before `--etat`: the employers, each by its most urgent line
    if args.etat:  # a state asked for: only the periods in it (an account never planned has none)
        lines, unplanned = [line for line in lines if line.etat == args.etat], {}
    accounts: dict[str, list] = {}
    by_name = sorted(sorted(lines, key=lambda line: line.period, reverse=True), key=lambda line: line.account)
    for line in by_name:  # each account's periods, the latest first
        accounts.setdefault(line.account, []).append(line.detail())
    warnings = _warnings(folder)
    if args.json:
        env.say(
            json.dumps(
                {
                    "scheduler": scheduler,
                    "summary": whole,
                    "accounts": [{"account": a, "periods": p} for a, p in accounts.items()]
                    + [{"account": a, "periods": [], "latest_run": run} for a, run in unplanned.items()],
                    "order": [line.entry() for line in lines],
                    **warnings,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return ExitCode.OK
    _say_scheduler(env, scheduler)
    for line in [line for found in warnings.values() if found for line in found["lines"]]:
        env.say(line)
    if (args.etat or args.nom) and not (accounts or unplanned):
        env.say(f"Aucune période{_filter_words(args)} ({whole}).")
        return ExitCode.OK
    if not accounts:
        env.say("Aucune déclaration planifiée pour l'instant. Lancez « damancom-bot schedule ».")
    if len({*accounts, *unplanned}) > DETAILED_UP_TO or args.nom or args.etat:
        _say_table(env, lines, unplanned, whole, args)
        return ExitCode.OK
    for line in lines:
        _say_period(env, line.account, line.detail())
    for account, run in unplanned.items():
        _say_unplanned(env, account, run)
    return ExitCode.OK


def _kept(account: str, args) -> bool:
    from bot.schedule.glance import named

    return (args.account is None or account == args.account) and named(account, args.nom)


def _filter_words(args) -> str:
    from bot.ledger.words import FAMILY_FR

    words = [f" « {FAMILY_FR[args.etat]} »"] if args.etat else []
    words += [f" pour les comptes dont le nom commence par « {args.nom} »"] if args.nom else []
    return "".join(words)


WIDTH = 119  # a Windows console is 120 columns wide: a full line would wrap the next one


def _say_table(env, lines: list, unplanned: dict, whole: str, args) -> None:
    """Many employers: the count line, then one line each employer and period, the most urgent
    first, in columns, each cut to the console's width; `--account NOM` for the details."""
    from bot.schedule import glance

    say = _wrapped(env)
    say(whole + ".")
    if args.etat or args.nom:
        say(f"Affichées : {len(lines) + len(unplanned)} ligne(s){_filter_words(args)}.")
    if not lines and not unplanned:
        return
    names = [line.account for line in lines] + list(unplanned)
    wide = min(max(len("Compte"), *map(len, names)), 24)
    rows = [
        (line.account, line.period, glance.situation(line), glance.deadline_short(line), glance.next_short(line))
        for line in lines
    ] + [(a, "-", "pas planifié", "-", _last_run_words(run)) for a, run in unplanned.items()]
    env.say(_row(("Compte", "Période", "Situation", "Échéance", "Et ensuite (heures du Maroc)"), wide))
    for row in rows:
        env.say(_row(row, wide))
    for hint in glance.hints(lines):
        say(hint)
    env.say("Détails d'un compte : damancom-bot status --account NOM")


def _wrapped(env):
    import textwrap

    return lambda text: [env.say(part) for part in textwrap.wrap(text, WIDTH, subsequent_indent="  ")]


def _row(cells: tuple, wide: int) -> str:
    account, period, situation, deadline, then = cells
    name = account if len(account) <= wide else account[: wide - 1] + "…"
    text = f"{name:<{wide}}  {period:<7}  {situation:<18}  {deadline:<14}  {then}"
    if len(text) <= WIDTH or then.startswith("damancom-bot "):  # a command to type is never cut
        return text
    return text[: WIDTH - 1] + "…"


def _unplanned(env, planned: set[str], args) -> dict[str, dict | None]:
    """Configured accounts the scheduler has never planned (a `login` by hand, `login --all`): each
    listed anyway, with its latest run from the recordings folder."""
    from bot.errors import BotError
    from bot.settings import accounts as configured
    from bot.settings.config import load_settings

    try:
        names = [a.name for a in configured.all_accounts(env.environ)]
        recordings = load_settings(env.environ, need_credentials=False, cwd=env.cwd).recordings
    except BotError:  # a broken accounts file has its own message on every other command
        return {}
    return {name: _latest_run(recordings, name) for name in names if name not in planned and _kept(name, args)}


def _latest_run(recordings, account: str) -> dict | None:
    from bot.audit.manifest import read_records
    from bot.audit.report import kind_of
    from bot.audit.summary import newest_first

    for folder in newest_first(recordings, account):  # only the newest readable run is opened
        try:
            records = read_records(folder)
        except (OSError, ValueError):
            continue
        if records:
            break
    else:
        return None
    end = records[-1] if records[-1].get("step") == "fin" else {}
    return {
        "kind": kind_of(records),
        "period": records[0].get("period", ""),
        "started": records[0].get("time", ""),
        "exit_code": end.get("exit_code"),
        "folder": str(folder),
    }


def _say_unplanned(env, account: str, run: dict | None) -> None:
    env.say(f"Compte {account} : aucune déclaration planifiée (le planificateur ne l'a pas encore pris en charge).")
    env.say(f"  {_last_run_words(run)}")


def _last_run_words(run: dict | None) -> str:
    from bot.audit.report import when_fr
    from bot.exit_codes import title
    from bot.output.french import period as period_words

    if run is None:
        return "aucune exécution enregistrée"
    what = "dernier dépôt" if run["kind"] == "declaration" else "dernière connexion"
    outcome = title(run["exit_code"]) if run["exit_code"] is not None else "inachevée"
    return f"{what} : {when_fr(run['started'])}, période {period_words(run['period'])} : {outcome}"


def _known(environ, lines: list, name: str) -> None:
    """`--account NAME` is a configured account or one the ledger remembers (an account since removed
    from the file keeps its history); any other name is a typo, said as such."""
    from bot.errors import ConfigError
    from bot.settings import accounts

    remembered = {line.account for line in lines}
    configured = [a.name for a in accounts.all_accounts(environ)]
    if name not in remembered and not accounts.find(accounts.all_accounts(environ), name):
        known = ", ".join(sorted({*configured, *remembered})) or "aucun"
        raise ConfigError(f"Compte « {name[:80]} » inconnu. Comptes connus : {known}.")


def _warnings(folder) -> dict:
    """What the person may not know: notifications that reached nobody (bot/output/notify.py), the
    machine's clock off from the portal's (bot/system/clock.py)."""
    from bot.output.notify import undelivered
    from bot.system.clock import offset_warning

    return {"notifications": undelivered(folder), "clock": offset_warning(folder)}


def _say_scheduler(env, scheduler: dict) -> None:
    from datetime import datetime

    from bot.ledger.words import day

    def local(iso: str | None) -> str:
        return day(datetime.fromisoformat(iso)) if iso else "jamais"

    if scheduler["running"]:
        env.say(
            f"Planificateur : actif (processus {scheduler['pid']}), dernier passage {local(scheduler['last_tick'])}."
        )
    elif scheduler["stopped"]:
        stop = scheduler["stopped"]
        env.say(
            f"Planificateur : arrêté le {local(stop['at'])} sur une erreur (code {stop['code']}) : {stop['message']} "
            "Le service ne le relance pas : corrigez, puis relancez « damancom-bot schedule »."
        )
    else:
        env.say(
            f"Planificateur : aucun ne tourne (dernier passage {local(scheduler['last_tick'])}). "
            "Lancez « damancom-bot schedule » ou installez le service (schedule --install)."
        )


def _say_period(env, account: str, p: dict) -> None:
    from datetime import datetime

    from bot.ledger.words import STATE_FR, day, reason

    def local(iso: str) -> str:
        return day(datetime.fromisoformat(iso))

    state = STATE_FR.get(p["state"], "essai interrompu")
    env.say(f"Compte {account} - période {p['period']} : {state} (échéance {local(p['deadline'])})")
    for a in p["attempts"]:
        code = f" (code {a['exit_code']})" if a["exit_code"] is not None else ""
        env.say(f"  essai du {local(a['started'])} : {reason(a['outcome'])}{code}")
    if p["overdue"]:
        env.say(
            f"  en retard : l'essai prévu le {local(p['next_attempt'])} n'a pas eu lieu (planificateur arrêté, "
            "ordinateur éteint ou en veille)"
        )
    env.say(f"  {p['reason_fr']}")
    if p["note"] and p["state"] != "done":
        env.say(f"  dernier message : {p['note']}")
