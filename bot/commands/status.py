"""`damancom-bot status [--json]`: what the bot has done and will do, per account and period."""

from __future__ import annotations

HELP = "État des déclarations : derniers essais, prochain essai et pourquoi."


def add_options(parser) -> None:
    parser.add_argument("--json", action="store_true", help="sortie JSON (pour un script)")


def run(args, env) -> int:
    import json
    from datetime import datetime

    from bot import clock
    from bot.config import state_dir
    from bot.schedule.ledger import FILE, STATE_FR, Ledger

    folder = state_dir(env.environ)
    if not (folder / FILE).exists():
        if args.json:
            env.say(json.dumps({"accounts": []}))
        else:
            env.say("Aucune déclaration planifiée pour l'instant. Lancez « damancom-bot schedule ».")
        return 0
    ledger = Ledger(folder)
    accounts: dict[str, list] = {}
    for row in ledger.periods():
        attempts = ledger.attempts(row.account, row.period)
        accounts.setdefault(row.account, []).append({
            "period": row.period, "state": row.state, "deadline": row.deadline.isoformat(),
            "next_attempt": row.next_attempt.isoformat() if row.next_attempt else None,
            "next_reason": row.next_reason, "note": row.note,
            "attempts": [{"started": a.started.isoformat(), "ended": a.ended.isoformat() if a.ended else None,
                          "exit_code": a.exit_code, "outcome": a.outcome, "audit_folder": a.audit_folder}
                         for a in attempts]})
    if args.json:
        env.say(json.dumps({"accounts": [{"account": a, "periods": p} for a, p in accounts.items()]},
                           ensure_ascii=False, indent=2))
        return 0

    def local(iso: str) -> str:
        return datetime.fromisoformat(iso).astimezone(clock.TZ).strftime("%d/%m/%Y %H:%M")

    for account, periods in accounts.items():
        for p in periods:
            env.say(f"Compte {account} - période {p['period']} : {STATE_FR[p['state']]} "
                    f"(échéance {local(p['deadline'])})")
            for a in p["attempts"]:
                code = f" (code {a['exit_code']})" if a["exit_code"] is not None else ""
                env.say(f"  essai du {local(a['started'])} : {a['outcome'] or 'en cours'}{code}")
            if p["next_attempt"]:
                env.say(f"  prochain essai : {local(p['next_attempt'])} - {p['next_reason']}")
            elif p["next_reason"]:
                env.say(f"  {p['next_reason']}")
            if p["note"] and p["state"] != "done":
                env.say(f"  dernier message : {p['note']}")
    return 0
