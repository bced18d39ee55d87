"""`damancom-bot status [--json]`: what the bot has done and will do, per account and period, and
whether a scheduler is running at all (last look, why it stopped, attempts overdue)."""

from __future__ import annotations

from bot.exit_codes import ExitCode

HELP = "État des déclarations : derniers essais, prochain essai et pourquoi, planificateur actif ou non."

ACCOUNT = "listing"  # every account; `--account` keeps one


DETAILED_UP_TO = 3  # accounts; beyond, one line per account and period, the most urgent first


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


def _family_word(text: str) -> str:
    """« Échec », « déposée », « a faire » are the same words as « echec », « deposee », « a-faire »."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.strip().lower()).encode("ascii", "ignore").decode()
    return "-".join(plain.replace("_", " ").replace("-", " ").split())


def run(args, env) -> int:
    import json

    from bot.ledger.ledger import FILE, Ledger
    from bot.schedule import heartbeat
    from bot.settings.config import state_dir

    folder = state_dir(env.environ)
    scheduler = heartbeat.read(folder)
    ledger = Ledger(folder) if (folder / FILE).exists() else None
    if args.account:
        _known(env.environ, ledger, args.account)
    accounts, order = _accounts(ledger, scheduler, env, folder, args.account) if ledger else ({}, [])
    unplanned = _unplanned(env, set(accounts), args.account)
    if args.etat:  # a state asked for: only the periods in it (an account never planned has none)
        order = [o for o in order if o["etat"] == args.etat]
        kept = {(o["account"], o["period"]) for o in order}
        accounts = {a: [p for p in ps if (a, p["period"]) in kept] for a, ps in accounts.items()}
        accounts, unplanned = {a: ps for a, ps in accounts.items() if ps}, {}
    warnings = _warnings(folder)
    if args.json:
        env.say(
            json.dumps(
                {
                    "scheduler": scheduler,
                    "accounts": [{"account": a, "periods": p} for a, p in accounts.items()]
                    + [{"account": a, "periods": [], "latest_run": run} for a, run in unplanned.items()],
                    "order": order,
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
    if args.etat and not accounts:
        env.say(f"Aucune période « {args.etat} ».")
    elif not accounts:
        env.say("Aucune déclaration planifiée pour l'instant. Lancez « damancom-bot schedule ».")
    periods = {(a, p["period"]): p for a, ps in accounts.items() for p in ps}
    if len({*accounts, *unplanned}) > DETAILED_UP_TO:
        _say_lines(env, order, periods, unplanned)
        return ExitCode.OK
    for o in order:
        _say_period(env, o["account"], periods[o["account"], o["period"]])
    for account, run in unplanned.items():
        _say_unplanned(env, account, run)
    return ExitCode.OK


def _say_lines(env, order: list[dict], periods: dict, unplanned: dict) -> None:
    """Many employers: one line each period, the most urgent first; `--account NOM` for the details."""
    from bot.output.french import period as period_words

    if order:
        env.say(
            f"{len(order)} période(s), les plus urgentes d'abord (heures du Maroc ; détails : "
            "damancom-bot status --account NOM) :"
        )
    for o in order:
        p = periods[o["account"], o["period"]]
        env.say(f"Compte {o['account']} - période {period_words(o['period'])} : {_line(o, p)}")
    for account, run in unplanned.items():
        env.say(f"Compte {account} : aucune déclaration planifiée ; {_last_run_words(run)}")


def _line(o: dict, p: dict) -> str:
    from datetime import datetime

    from bot.ledger.words import STATE_FR, hours_fr, waiting_line, when

    state = STATE_FR.get(p["state"], "essai interrompu")
    if p["state"] == "done":
        return f"{state} ; {p['reason_fr']}"
    if o["waiting"] is not None:  # a live run waits: whatever the ledger last said, it is under way
        state, step = "un essai vous attend", waiting_line(o["waiting"], o["account"])
    else:
        step = p["reason_fr"]
    late = " ; en retard : l'essai prévu n'a pas eu lieu" if p["overdue"] else ""
    return f"{state} ; {step}{late} ({hours_fr(o['hours_left'])}, le {when(datetime.fromisoformat(p['deadline']))})"


def _unplanned(env, planned: set[str], only: str | None) -> dict[str, dict | None]:
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
    return {
        name: _latest_run(recordings, name) for name in names if name not in planned and (only is None or name == only)
    }


def _latest_run(recordings, account: str) -> dict | None:
    from bot.audit.manifest import read_records
    from bot.audit.report import kind_of
    from bot.audit.summary import latest_run

    folder = latest_run(recordings, account, "")
    if folder is None:
        return None
    try:
        records = read_records(folder)
    except (OSError, ValueError):
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


def _accounts(ledger, scheduler: dict, env, folder, only: str | None = None) -> tuple[dict[str, list], list[dict]]:
    """Each account's periods, and every period in the order it needs the person (`urgency`)."""
    from bot.handover import dropbox
    from bot.ledger import ledger as L
    from bot.ledger import urgency
    from bot.ledger.words import period_line
    from bot.schedule.plan import parse_plan
    from bot.settings.accounts import all_accounts
    from bot.settings.config import state_dir
    from bot.system import clock

    configured = None  # the accounts file, read once for forty employers (and only when a period needs it)
    plans: dict[str, object] = {}
    waiting: dict[str, str | None] = {}  # account → the phase its live run waits in, None: no run waits
    now = clock.corrected(state_dir(env.environ))()  # the portal's time, as the planner counts it
    accounts: dict[str, list] = {}
    ranks: list[tuple] = []
    for row in ledger.periods(only):
        if row.account not in plans:  # each account's own deadline overrides (accounts file)
            configured = all_accounts(env.environ) if configured is None else configured
            plans[row.account] = parse_plan(_environ_of(env.environ, configured, row.account))
        plan = plans[row.account]
        row.deadline = plan.deadline(row.period)  # overrides apply whenever they are read
        attempts = ledger.attempts(row.account, row.period)
        running = row.state == L.IN_PROGRESS and scheduler["running"]
        if row.state == L.IN_PROGRESS and not running:
            shown_state, line = (
                "interrupted",
                "essai interrompu : aucun planificateur ne tourne (il sera repris à son démarrage)",
            )
        else:
            shown_state, line = row.state, period_line(row)
        overdue = (
            row.state == L.PENDING
            and row.next_attempt is not None
            and now - row.next_attempt > plan.grace
            and now <= row.deadline
        )
        accounts.setdefault(row.account, []).append(
            {
                "period": row.period,
                "state": shown_state,
                "deadline": row.deadline.isoformat(),
                "next_attempt": row.next_attempt.isoformat() if row.next_attempt else None,
                "reason": row.next_reason,
                "reason_fr": line,
                "overdue": overdue,
                "receipt": row.receipt,
                "note": row.note,
                "attempts": [
                    {
                        "started": a.started.isoformat(),
                        "ended": a.ended.isoformat() if a.ended else None,
                        "exit_code": a.exit_code,
                        "outcome": a.outcome if a.ended else ("in_progress" if running else "interrupted"),
                        "audit_folder": a.audit_folder,
                    }
                    for a in attempts
                ],
            }
        )
        if row.account not in waiting:
            live = dropbox.read_waiting(dropbox.handover_dir(folder, row.account))
            waiting[row.account] = str(live.get("phase") or "") if live else None
        awaited = waiting[row.account] is not None and row.state != L.DONE
        key = urgency.key(row, now, awaited=awaited, interrupted=shown_state == "interrupted")
        ranks.append(
            (
                key,
                {
                    "account": row.account,
                    "period": row.period,
                    "group": urgency.GROUPS[key[0]],
                    "etat": urgency.family(row, key[0]),
                    "hours_left": round(urgency.hours_left(row, now), 1),
                    "waiting": waiting[row.account] if awaited else None,
                },
            )
        )
    return accounts, [entry for _, entry in sorted(ranks, key=lambda r: r[0])]


def _known(environ, ledger, name: str) -> None:
    """`--account NAME` is a configured account or one the ledger remembers (an account since removed
    from the file keeps its history); any other name is a typo, said as such."""
    from bot.errors import ConfigError
    from bot.settings import accounts

    remembered = {row.account for row in ledger.periods(None)} if ledger else set()
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


def _environ_of(environ, configured: list, account: str) -> dict:
    from bot.settings import accounts

    found = accounts.find(configured, account)
    return accounts.account_environ(environ, found, need_password=False) if found else dict(environ)


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
