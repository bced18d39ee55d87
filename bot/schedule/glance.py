"""Every employer's periods at a glance, for `status` and the dashboard alike: the ledger read in one
connection, each period ranked by `bot/ledger/urgency.py` with its `--etat` family and a short French
situation, and the count line (« 50 employeurs : 3 attendent un code, … ») made from the very lines shown."""

from __future__ import annotations

import fnmatch
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bot.ledger import ledger as L
from bot.ledger import urgency


@dataclass
class Line:
    """One employer and period."""

    row: L.PeriodRow
    rank: int  # urgency group
    etat: str  # `--etat` family
    state: str  # the ledger's state, or « interrupted » (an attempt open and no scheduler to resume it)
    reason_fr: str
    overdue: bool
    hours_left: float
    waiting: str | None = None  # the phase a live run of this account waits in (« code », « ready »…)
    attempts: list = field(default_factory=list)
    running: bool = False

    @property
    def account(self) -> str:
        return self.row.account

    @property
    def period(self) -> str:
        return self.row.period

    def entry(self) -> dict:
        """`status --json`'s « order » item."""
        return {
            "account": self.account,
            "period": self.period,
            "group": urgency.GROUPS[self.rank],
            "etat": self.etat,
            "hours_left": round(self.hours_left, 1),
            "waiting": self.waiting,
            "situation": situation(self),
        }

    def detail(self) -> dict:
        """`status --json`'s period item (its keys are a contract for scripts)."""
        row = self.row
        return {
            "period": row.period,
            "state": self.state,
            "deadline": row.deadline.isoformat(),
            "next_attempt": row.next_attempt.isoformat() if row.next_attempt else None,
            "reason": row.next_reason,
            "reason_fr": self.reason_fr,
            "overdue": self.overdue,
            "receipt": row.receipt,
            "note": row.note,
            "attempts": [
                {
                    "started": a.started.isoformat(),
                    "ended": a.ended.isoformat() if a.ended else None,
                    "exit_code": a.exit_code,
                    "outcome": a.outcome if a.ended else ("in_progress" if self.running else "interrupted"),
                    "audit_folder": a.audit_folder,
                }
                for a in self.attempts
            ],
        }


def gather(
    state_dir: Path, environ, scheduler_running: bool, only: str | None = None, now=None, attempts: int = 5
) -> list[Line]:
    """Every period of the ledger (of `only` when given), most urgent first, each with its latest
    `attempts`; none without a ledger."""
    from bot.handover import dropbox
    from bot.ledger.words import period_line
    from bot.system import clock

    if not (Path(state_dir) / L.FILE).exists():
        return []
    now = now or clock.corrected(state_dir)()  # the portal's time, as the planner counts it
    plans = _plans(environ)
    waiting: dict[str, str | None] = {}  # account → the phase its live run waits in, None: no run waits
    lines = []
    for row, tried in L.Ledger(state_dir).overview(only, attempts):
        plan = plans(row.account)
        row.deadline = plan.deadline(row.period)  # each account's own deadline overrides, whenever read
        interrupted = row.state == L.IN_PROGRESS and not scheduler_running
        if interrupted:
            state = "interrupted"
            reason = "essai interrompu : aucun planificateur ne tourne (il sera repris à son démarrage)"
        else:
            state, reason = row.state, period_line(row)
        if row.account not in waiting:
            live = dropbox.read_waiting(dropbox.handover_dir(state_dir, row.account))
            waiting[row.account] = str(live.get("phase") or "") if live else None
        awaited = waiting[row.account] is not None and row.state != L.DONE
        rank = urgency.group(row, now, awaited=awaited, interrupted=interrupted)
        late = row.state == L.PENDING and row.next_attempt is not None and now <= row.deadline
        lines.append(
            Line(
                row,
                rank,
                urgency.family(row, rank, interrupted=interrupted),
                state,
                reason,
                late and now - row.next_attempt > plan.grace,  # the planned try did not happen
                urgency.hours_left(row, now),
                waiting[row.account] if awaited else None,
                tried,
                row.state == L.IN_PROGRESS and scheduler_running,
            )
        )
    return sorted(lines, key=lambda line: (line.rank, _hours(line), line.account, line.period))


def _hours(line: Line) -> float:
    return -line.hours_left if line.rank == urgency.FILED else line.hours_left


def _plans(environ):
    """Each account's plan (its deadline overrides from the accounts file), the file read once."""
    from bot.schedule.plan import parse_plan
    from bot.settings import accounts

    configured, plans = None, {}

    def plan(account: str):
        nonlocal configured
        if account not in plans:
            configured = accounts.all_accounts(environ) if configured is None else configured
            found = accounts.find(configured, account)
            own = accounts.account_environ(environ, found, need_password=False) if found else dict(environ)
            plans[account] = parse_plan(own)
        return plans[account]

    return plan


def named(account: str, pattern: str | None) -> bool:
    """`--nom` / the dashboard's « Nom » field: the name begins with the pattern, case and accents
    aside (« pharma » finds « Pharmacie-Atlas »); `*` stands for any characters."""
    if not pattern:
        return True
    wanted = _plain(pattern)
    return fnmatch.fnmatchcase(_plain(account), wanted if wanted.endswith("*") else wanted + "*")


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text.strip().casefold()).encode("ascii", "ignore").decode()


# What one line says in a few words (the compact `status` table, the dashboard's « Situation »), and
# the word of the count line an employer gets when that line is its most urgent one: the same kinds.
KINDS = {  # kind: (situation, count line: one, many), in the ranking's order
    "code": ("code à donner", "attend un code", "attendent un code"),
    "ready": ("« prêt » attendu", "attend votre « prêt »", "attendent votre « prêt »"),
    "answer": ("réponse attendue", "attend votre réponse", "attendent votre réponse"),
    "passed": ("échéance dépassée", "à échéance dépassée", "à échéance dépassée"),
    "failed": ("en échec", "en échec", "en échec"),
    "checking": ("à vérifier", "à vérifier", "à vérifier"),
    "interrupted": ("essai interrompu", "essai interrompu", "essais interrompus"),
    "by_hand": ("à déposer par vous", "à déposer par vous", "à déposer par vous"),
    "close": ("échéance proche", "à échéance proche", "à échéance proche"),
    "running": ("en cours", "en cours", "en cours"),
    "late": ("en retard", "en retard", "en retard"),
    "to_do": ("en attente", "en attente d'un essai", "en attente d'un essai"),
    "filed": ("déposée", "déclaré", "déclarés"),
    "unplanned": ("pas planifié", "pas encore planifié", "pas encore planifiés"),
}


def kind(line: Line) -> str:
    if line.waiting is not None:
        return line.waiting if line.waiting in ("code", "ready") else "answer"
    if line.etat == "deposee":
        return "filed"
    if line.hours_left < 0:
        return "passed"
    if line.state == "interrupted":
        return "interrupted"
    if line.state == L.NEEDS_ATTENTION:
        return "checking"
    if line.state == L.MANUAL or line.row.next_reason in urgency.BY_HAND:
        return "by_hand"
    if line.etat == "echec":
        return "failed"
    if line.rank == urgency.CLOSE:
        return "close"
    if line.etat == "en-cours":
        return "running"
    return "late" if line.overdue else "to_do"


def situation(line: Line) -> str:
    return KINDS[kind(line)][0]


def counts(lines: list[Line], unplanned=()) -> dict[str, int]:
    """Employers per kind, each counted once by its most urgent line (`lines` most urgent first);
    `unplanned`: accounts listed without a period."""
    first: dict[str, str] = {}
    for line in lines:
        first.setdefault(line.account, kind(line))
    for account in unplanned:
        first.setdefault(account, "unplanned")
    return {name: n for name in KINDS if (n := sum(1 for k in first.values() if k == name))}


def summary(lines: list[Line], unplanned=()) -> str:
    """« 50 employeurs : 3 attendent un code, 2 en échec, 45 déclarés »."""
    found = counts(lines, unplanned)
    total = sum(found.values())
    parts = [f"{n} {KINDS[name][1] if n == 1 else KINDS[name][2]}" for name, n in found.items()]
    head = f"{total} employeur{'' if total == 1 else 's'}"
    return f"{head} : {', '.join(parts)}" if parts else head


def deadline_short(line: Line) -> str:
    """« 10/12 J-3 », « 10/12 5 h », « 30/11 dépassée »: the date and how close it is."""
    from bot.system import clock

    date = line.row.deadline.astimezone(clock.TZ).strftime("%d/%m")
    hours = line.hours_left
    if line.state == L.DONE:
        return date
    if hours < 0:
        return f"{date} dépassée"
    return f"{date} {hours:.0f} h" if hours < 48 else f"{date} J-{int(hours // 24)}"


COMMANDS = {
    "code": "damancom-bot otp CODE --account {account}",
    "ready": "damancom-bot ready --account {account}",
    "question": "damancom-bot answer RÉPONSE --account {account}",
}


def next_short(line: Line) -> str:
    """What comes next, in a few words (the situation says the rest): the command to type when a
    run waits, the receipt, the next try."""
    from bot.ledger.words import reason, waiting_line, when

    row = line.row
    if line.waiting is not None:
        command = COMMANDS.get(line.waiting)
        return command.format(account=line.account) if command else waiting_line(line.waiting, line.account)
    if line.state == L.DONE:
        return f"accusé {row.receipt}" if row.receipt else reason(row.next_reason)
    if line.state == "interrupted":
        return "repris au démarrage du planificateur"
    if kind(line) in ("passed", "by_hand"):
        return f"damancom-bot done --period {row.period} --account {line.account}"  # once filed (hint below)
    if row.next_attempt is not None and line.state == L.PENDING and line.etat != "echec":
        return f"essai le {when(row.next_attempt)} : {reason(row.next_reason)}"
    return reason(row.next_reason)


# Under the compact table, once each: what the person does for a kind present in it.
HINTS = {
    "passed": "Échéance dépassée ou « à déposer par vous » : déposez-la vous-même sur Damancom, puis tapez la "
    "commande « done » de sa ligne (déjà déposée ? la même commande suffit).",
    "failed": "En échec : le bot n'essaie plus avant votre intervention ; la cause : damancom-bot status --account "
    "NOM ; une fois corrigée, relancez damancom-bot schedule.",
    "checking": "À vérifier : un dépôt a peut-être été validé juste avant une coupure ; regardez la période sur "
    "Damancom (damancom-bot status --account NOM).",
    "interrupted": "Essai interrompu : aucun planificateur ne tourne ; lancez damancom-bot schedule.",
}
HINTS["by_hand"] = HINTS["passed"]


def hints(lines: list[Line]) -> list[str]:
    present = {kind(line) for line in lines}
    return list(dict.fromkeys(text for name, text in HINTS.items() if name in present))
