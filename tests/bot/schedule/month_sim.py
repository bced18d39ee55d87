"""A month simulated with the real Planner and ledger: injected clock, and a fake attempt runner
(the planner's own injection point) returning what the bot's child process would return against
a portal with busy hours and a person who answers the SMS in the evening.

The clock jumps from event to event the way APScheduler wakes the process: planned attempts,
reminders, the deadline, and power-on moments (a job due while the computer was off runs when it
comes back). Used by `test_month.py` and `bench/month.py` (the table of the report)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Callable

from bot.errors import CodeNotProvided
from bot.handover.mailbox import READY, Mailbox
from bot.handover.session import HandOver
from bot.ledger import ledger as L
from bot.output.notify import Budget, Notifier
from bot.schedule.attempt import Outcome
from bot.schedule.plan import Plan, parse_plan
from bot.schedule.service import Planner
from bot.settings.config import Settings
from bot.system import clock as system_clock
from bot.system.clock import TZ

ACCOUNT = "PHARMA-1"
PERIOD = "2026-10"


def at(day: int, hour: int = 0, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def label(period: str) -> str:
    year, month = period.split("-")
    return f"{month}/{year}"


@dataclass
class FakePortal:
    """What the child process meets: busy hours (unavailable, before any SMS), outages, periods
    declared by hand; a person who answers and files in the bot's browser when it logs in."""

    busy: tuple[time, time] = (time(8, 0), time(20, 0))
    down_until: datetime | None = None  # a longer outage (maintenance)
    declared: dict[str, datetime] = field(default_factory=dict)  # period → when filed by hand
    person_files: bool = True
    sms: int = 0

    def is_declared(self, period: str, now: datetime) -> bool:
        return period in self.declared and self.declared[period] <= now

    def available(self, now: datetime) -> bool:
        local = now.astimezone(TZ).time()
        return not ((self.down_until and now < self.down_until) or self.busy[0] <= local < self.busy[1])

    def attempt(self, period: str, now: datetime, periods: list[str]) -> Outcome:
        if not self.available(now):
            return Outcome(4, None, "/r", "Le portail Damancom est indisponible (surcharge).")
        self.sms += 1
        rows = []
        for p in periods:
            if not self.is_declared(p, now) and p == period and self.person_files:
                self.declared[p] = now  # the person files it in the bot's browser window
            rows.append((label(p), "Déclarée" if self.is_declared(p, now) else "À déclarer"))
        state = "declared" if self.is_declared(period, now) else "to_declare"
        return Outcome(0, state, "/r", "Espace affilié atteint.", periods=rows)


@dataclass
class Scenario:
    name: str
    start: datetime
    end: datetime = field(default_factory=lambda: at(20))
    on: Callable[[datetime], bool] = lambda moment: True  # is the computer on (and awake)?
    portal: FakePortal = field(default_factory=FakePortal)
    env: dict = field(default_factory=dict)
    env_changes: list[tuple[datetime, dict]] = field(default_factory=list)  # `.env` edited mid-month
    hand_done: datetime | None = None  # `damancom-bot done --period` typed at that moment
    existing: list[str] = field(default_factory=list)  # periods already in the ledger at the start
    # The ready gate (unattended runs ask « prêt ? » first), when `person_from` is set: the person
    # answers from that moment, if the question reached them. Notifications go to their Telegram
    # (`telegram_down`: unreachable) and to DAMANCOM_NOTIFY (`email`: a local json:// inbox).
    person_from: datetime | None = None
    telegram_down: bool = False
    email: bool = False
    clock_late: timedelta = timedelta(0)  # the machine's clock behind the portal's, from `late_from`
    late_from: datetime | None = None


@dataclass
class Result:
    name: str
    attempts: int
    sms: int
    notifications: list[str]
    states: dict[str, str]
    reasons: dict[str, str]
    runs: list[datetime]
    delivered: int = 0  # notifications that reached the person (any channel)
    filed: dict = field(default_factory=dict)  # period → when it was filed (the portal's time)


class _Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def simulate(scenario: Scenario, state_dir: Path) -> Result:
    clock = _Clock(scenario.start)
    env = dict(scenario.env)
    portal = scenario.portal
    ledger = L.Ledger(state_dir)
    runs: list[datetime] = []
    person = _Person(scenario, clock, state_dir) if scenario.person_from else None

    def plan() -> Plan:
        return parse_plan(env)

    def machine() -> datetime:
        late = scenario.late_from is not None and clock.now >= scenario.late_from
        return clock.now - scenario.clock_late if late else clock.now

    def run(period: str) -> Outcome:
        runs.append(clock.now)
        open_periods = [r.period for r in ledger.periods(ACCOUNT) if r.state != L.DONE] or [period]
        if scenario.clock_late:  # the child's first portal answer: its `Date` header (clock.watch_portal)
            system_clock.measured(state_dir, clock.now, machine())
        if person is None:
            return portal.attempt(period, clock.now, open_periods)
        return person.attempt(portal, period, open_periods)

    notifier = person.notifier() if person else Notifier([])
    planner = Planner(
        Settings(account=ACCOUNT, state_dir=state_dir),
        plan,
        ledger,
        notifier,
        run=run,
        now=system_clock.corrected(state_dir, machine) if scenario.clock_late else clock,
        rng=random.Random(5),
    )
    for period in scenario.existing:
        p = planner.plan
        ledger.ensure(ACCOUNT, period, p.deadline(period), p.first_attempt(period), scenario.start)
    changes = sorted(scenario.env_changes, key=lambda c: c[0])
    try:
        while clock.now < scenario.end:
            while changes and changes[0][0] <= clock.now:
                env.update(changes.pop(0)[1])
            if scenario.hand_done and scenario.hand_done <= clock.now:
                ledger.declared_elsewhere(ACCOUNT, PERIOD, planner.plan.deadline(PERIOD), clock.now, "filed_by_hand")
                scenario.hand_done = None
            if scenario.on(clock.now):
                planner.tick()
            clock.now = _next_event(scenario, planner, ledger, clock.now, skew=clock.now - planner.now())
    finally:
        if person:
            person.refresh()
            person.close()
    rows = {r.period: r for r in ledger.periods(ACCOUNT)}
    return Result(
        scenario.name,
        sum(ledger.count_attempts(ACCOUNT, p) for p in rows),
        portal.sms,
        [t for t, _ in notifier.sent],
        {p: r.state for p, r in rows.items()},
        {p: r.next_reason for p, r in rows.items()},
        runs,
        delivered=len(person.reached) if person else 0,
        filed=dict(portal.declared),
    )


class _Phone:
    """The person's Telegram as a notification sink: every message that arrives is read."""

    name = "telegram"

    def __init__(self, reached: list[str]):
        self.reached = reached

    def accepts(self, title: str) -> bool:
        return True

    def deliver(self, title: str, body: str, files) -> bool:
        self.reached.append(title)
        return True


class _Person:
    """Everything the person's side of an unattended run does: the real HandOver's ready gate and
    code notification, the real Notifier and monthly budget (the state dir's file, this clock), the
    person answering « prêt » (instantly) when the question reached them and they are back."""

    def __init__(self, scenario: Scenario, clock: _Clock, state_dir: Path):
        self.scenario, self.clock, self.state_dir = scenario, clock, state_dir
        self.reached: list[str] = []
        self.sent: list[tuple[str, str]] = []  # every notifier's, in order (planner and runs)
        self.inbox = None
        if scenario.email:
            import threading

            from tests.support.inbox import Inbox

            self.inbox = Inbox()
            threading.Thread(target=self.inbox.serve_forever, daemon=True).start()

    def notifier(self) -> Notifier:
        if self.scenario.telegram_down:
            from bot.handover.telegram import TelegramSink
            from bot.handover.telegram_api import BotApi

            sink = TelegramSink(BotApi("123:fake", "http://127.0.0.1:9", timeout=2), (4242,))  # nothing listens
        else:
            sink = _Phone(self.reached)
        made = Notifier(
            [self.inbox.url] if self.inbox else [], sink=sink, budget=Budget(self.state_dir, 30, self.clock)
        )
        made.sent = self.sent
        return made

    def attempt(self, portal: FakePortal, period: str, periods: list[str]) -> Outcome:
        if not portal.available(self.clock.now):  # the ready gate comes once the portal answered
            return portal.attempt(period, self.clock.now, periods)
        notifier = self.notifier()
        person = HandOver(
            _Answering(self), [], account=ACCOUNT, code_wait=300, ready_wait=0, unattended=True, notifier=notifier
        )
        try:
            person.before_sms()
        except CodeNotProvided as exc:
            return Outcome(3, None, "/r", exc.message)
        person.sms_sent()
        outcome = portal.attempt(period, self.clock.now, periods)
        notifier.send("Damancom : connexion réussie", f"Espace affilié atteint pour le compte {ACCOUNT}.")
        return outcome

    def refresh(self) -> None:
        if self.inbox is not None:
            mails = self.inbox.received[self._mails :]
            self._mails += len(mails)
            self.reached += [m["title"] for m in mails]

    def answers(self, mailbox: Mailbox) -> None:
        self.refresh()
        asked = any("prêt pour la connexion" in t for t in self.reached[self._read :])
        self._read = len(self.reached)
        if asked and self.clock.now >= self.scenario.person_from:
            mailbox.post(READY, "telegram")

    _read = _mails = 0

    def close(self) -> None:
        if self.inbox is not None:
            self.inbox.shutdown()
            self.inbox.server_close()


class _Answering(Mailbox):
    """The run's mailbox: before the run looks for an answer, the person reads what reached them."""

    def __init__(self, person: _Person):
        super().__init__()
        self.person = person

    def take(self, kinds, timeout):
        self.person.answers(self)
        return super().take(kinds, timeout)


def _next_event(
    scenario: Scenario,
    planner: Planner,
    ledger: L.Ledger,
    now: datetime,
    account: str = ACCOUNT,
    skew: timedelta = timedelta(0),
) -> datetime:
    """The next moment the process would wake: a planned attempt, a reminder, a deadline, an
    `.env` edit or `done` typed by hand; postponed to the next power-on when the computer is off.
    `skew`: how far the planner's clock is behind the world's (its moments, shifted by it)."""
    plan = planner.plan
    candidates = [scenario.end]
    for row in ledger.periods(account):
        planned = [row.next_attempt] if row.next_attempt else []
        planned += [w for _, w in plan.reminders(row.period)] + [plan.deadline(row.period) + timedelta(minutes=1)]
        candidates += [w + skew for w in planned if w + skew > now]
    candidates += [c[0] for c in scenario.env_changes if c[0] > now]
    if scenario.hand_done:
        candidates.append(scenario.hand_done)
    moment = min(c for c in candidates if c > now)
    if not scenario.on(now) or not scenario.on(moment):  # the heartbeat's first tick after power-on
        step = now + timedelta(minutes=10) if not scenario.on(now) else moment
        while not scenario.on(step) and step < scenario.end:
            step += timedelta(minutes=10)
        moment = min(step, moment) if not scenario.on(now) else step
    return moment


ACCOUNTS = ("PHARMA-1", "PHARMA-2", "PHARMA-3")


@dataclass
class Fleet:
    results: dict[str, Result]
    most_at_once: int  # the largest number of attempts under way together
    most_on_one_phone: int = 0  # the largest number of codes awaited together on one phone


CODE_EXCHANGE = 0.1  # seconds (real): an attempt's SMS and code, during which another SMS would mix them up


def simulate_accounts(
    scenario: Scenario,
    state_dir: Path,
    *,
    parallel: int = 2,
    envs: dict[str, dict] | None = None,
    phones: dict[str, str] | None = None,
) -> Fleet:
    """The same month for several accounts planned by one FleetPlanner over one ledger: each
    account its own portal (same behaviour), its own plan (`envs`: its accounts-file keys).
    `phones`: each account's DAMANCOM_PHONE; two codes awaited together on one phone (same SMS
    text) are typed into the wrong accounts: the portal refuses them (exit 5)."""
    import copy
    import threading

    from bot.schedule.fleet import FleetPlanner

    clock = _Clock(scenario.start)
    ledger = L.Ledger(state_dir)
    portals = {name: copy.deepcopy(scenario.portal) for name in ACCOUNTS}
    runs: dict[str, list[datetime]] = {name: [] for name in ACCOUNTS}
    at_once, lock = [0, 0], threading.Lock()  # under way now, most ever
    phones = phones or {}
    awaiting: dict[str, set[str]] = {}  # phone → accounts whose code it is receiving now
    mixed: set[str] = set()  # accounts whose code was mixed up with another's
    most_on_phone = [0]

    def exchange(name: str, outcome: Outcome) -> Outcome:
        """The SMS arrives and the person types its code; another SMS meanwhile mixes them up."""
        phone = phones[name]
        with lock:
            together = awaiting.setdefault(phone, set())
            together.add(name)
            most_on_phone[0] = max(most_on_phone[0], len(together))
            if len(together) > 1:
                mixed.update(together)
        threading.Event().wait(CODE_EXCHANGE)  # the person reading the SMS, typing the code
        with lock:
            together.discard(name)
            wrong = name in mixed
            mixed.discard(name)
        if wrong:
            return Outcome(5, None, "/r", "Le portail a refusé le code (« Code incorrect »).")
        return outcome

    def runner(name: str):
        def run(period: str) -> Outcome:
            with lock:
                at_once[0] += 1
                at_once[1] = max(at_once)
            try:
                runs[name].append(clock.now)
                open_periods = [r.period for r in ledger.periods(name) if r.state != L.DONE] or [period]
                before = portals[name].sms
                outcome = portals[name].attempt(period, clock.now, open_periods)
                if name in phones and portals[name].sms > before:
                    outcome = exchange(name, outcome)
                return outcome
            finally:
                with lock:
                    at_once[0] -= 1

        return run

    def plan_of(name: str):
        return lambda: parse_plan({**scenario.env, **(envs or {}).get(name, {})})

    planners = [
        Planner(
            Settings(account=name, state_dir=state_dir, phone=phones.get(name, "")),
            plan_of(name),
            ledger,
            Notifier([]),
            run=runner(name),
            now=clock,
            rng=random.Random(5 + i),
        )
        for i, name in enumerate(ACCOUNTS)
    ]
    fleet = FleetPlanner(planners, parallel, now=clock)
    while clock.now < scenario.end:
        if scenario.on(clock.now):
            fleet.tick()
        clock.now = min(_next_event(scenario, p, ledger, clock.now, p.account) for p in planners)
    results = {}
    for planner in planners:
        name = planner.account
        rows = {r.period: r for r in ledger.periods(name)}
        results[name] = Result(
            f"{scenario.name} ({name})",
            sum(ledger.count_attempts(name, p) for p in rows),
            portals[name].sms,
            [t for t, _ in planner.notifier.sent],
            {p: r.state for p, r in rows.items()},
            {p: r.next_reason for p, r in rows.items()},
            runs[name],
        )
    return Fleet(results, at_once[1], most_on_phone[0])


def daytime_only(moment: datetime) -> bool:
    return time(9, 0) <= moment.astimezone(TZ).time() < time(18, 0)


SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "allumé 09:00-18:00 seulement": lambda: Scenario("allumé 09:00-18:00 seulement", at(1, 9), on=daytime_only),
    "éteint du 1er au 9 à 14:00": lambda: Scenario(
        "éteint du 1er au 9 à 14:00", at(1, 0, 5), on=lambda m: m < at(1, 8) or m >= at(9, 14)
    ),
    "démarré le 11": lambda: Scenario("démarré le 11", at(11, 10)),
    "deux périodes dues": lambda: Scenario(
        "deux périodes dues", at(1, 9), env={"DAMANCOM_DEADLINE_OVERRIDES": "2026-09=2026-11-17"}
    ),
    "déposée à la main le 3 (done)": lambda: Scenario(
        "déposée à la main le 3 (done)", at(1, 9), portal=FakePortal(down_until=at(3, 12)), hand_done=at(3, 12, 30)
    ),
    "déposée à la main le 3 (vue au login)": lambda: Scenario(
        "déposée à la main le 3 (vue au login)",
        at(1, 9),
        portal=FakePortal(down_until=at(3, 12), declared={PERIOD: at(3, 12)}, person_files=False),
    ),
    "échéance prolongée en cours de mois": lambda: Scenario(
        "échéance prolongée en cours de mois",
        at(1, 9),
        portal=FakePortal(down_until=at(12, 0)),
        env_changes=[(at(8, 15), {"DAMANCOM_DEADLINE_OVERRIDES": "2026-10=2026-11-17"})],
    ),
    "absent jusqu'au 8 (« prêt ? »)": lambda: Scenario("absent jusqu'au 8 (« prêt ? »)", at(1, 9), person_from=at(8)),
    "Telegram injoignable tout le mois": lambda: Scenario(
        "Telegram injoignable tout le mois", at(1, 9), end=at(11, 12), person_from=at(1), telegram_down=True
    ),
    "Telegram injoignable, e-mail aussi": lambda: Scenario(
        "Telegram injoignable, e-mail aussi", at(1, 9), person_from=at(1), telegram_down=True, email=True
    ),
    # Maintenance until 23:45 on the deadline day; the machine's clock one hour late that day.
    "horloge en retard d'1 h le 10": lambda: Scenario(
        "horloge en retard d'1 h le 10",
        at(1, 9),
        end=at(11, 12),
        portal=FakePortal(down_until=at(10, 23, 45)),
        clock_late=timedelta(hours=1),
        late_from=at(10),
    ),
}


ONE_PHONE = {name: "06 12 34 56 78" for name in ACCOUNTS}  # three employers, one pharmacist's phone

# Several accounts (simulate_accounts): name → (scenario, its keyword arguments).
FLEET_SCENARIOS: dict[str, Callable[[], tuple[Scenario, dict]]] = {
    "trois comptes, un téléphone": lambda: (
        Scenario("trois comptes, un téléphone", at(1, 9)),
        {"parallel": 3, "phones": ONE_PHONE},
    ),
}


def table(results: list[Result]) -> str:
    """`notifications`: sent (and, where the person's channels are simulated, how many reached them)."""
    lines = ["| scénario | essais | SMS | notifications | fin |", "| --- | ---: | ---: | ---: | --- |"]
    for r in results:
        end = ", ".join(
            f"{p} {s} ({r.reasons[p]})" + (f", déposée le {r.filed[p]:%d/%m %H:%M}" if p in r.filed else "")
            for p, s in sorted(r.states.items())
        )
        sent = f"{len(r.notifications)}" + (
            f" ({r.delivered} reçues)" if r.delivered or "injoignable" in r.name else ""
        )
        lines.append(f"| {r.name} | {r.attempts} | {r.sms} | {sent} | {end} |")
    return "\n".join(lines)
