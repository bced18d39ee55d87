"""How many notifications reach the phone in a month with nobody at the computer, before and after
the Telegram channel and its no-noise rules (issue 11). Run by hand:

    uv run python bench/notifications_month.py

The project's planner (`Planner`, injected clock, ticking every 10 minutes like its heartbeat)
plans the attempts for period 2026-10 from 1 Nov 21:00 to the deadline. Each attempt stands in for
the child process up to its ready gate, which is where a run ends when nobody answers (the
windows 21:00-23:30 and 06:00-07:30 are outside the portal's busy hours: it always answers):
- before: the old texts — the ready notification, the runner's « échec (code 3) », no budget;
- after: the real `HandOver` with the real `TelegramChannel` (against the tests' stand-in Bot API
  server), the runner's `quiet_failure` rule and the monthly budget (DAMANCOM_NOTIFY_BUDGET=30).
A notification is a message that makes the phone ring: sendMessage / sendPhoto / sendDocument
(an edit of a question does not). SMS sent by the portal: none in both cases (nobody says « prêt »).
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.errors import CodeNotProvided  # noqa: E402
from bot.handover.build import build_notifier  # noqa: E402
from bot.handover.mailbox import Mailbox  # noqa: E402
from bot.handover.session import HandOver  # noqa: E402
from bot.handover.telegram import TelegramChannel, TelegramSink  # noqa: E402
from bot.handover.telegram_api import BotApi  # noqa: E402
from bot.output.notify import Notifier  # noqa: E402
from bot.run.runner import quiet_failure  # noqa: E402
from bot.schedule import ledger as L  # noqa: E402
from bot.schedule.attempt import Outcome  # noqa: E402
from bot.schedule.plan import Plan  # noqa: E402
from bot.schedule.service import Planner  # noqa: E402
from bot.settings.config import Settings  # noqa: E402
from bot.system.clock import TZ  # noqa: E402
from tests.support.telegram_api import TOKEN, TelegramStandIn  # noqa: E402

ME = 4242
START, END = datetime(2026, 11, 1, 20, 55, tzinfo=TZ), datetime(2026, 11, 11, 12, 0, tzinfo=TZ)


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


def month(state: Path, run_factory, notifier_factory) -> tuple[int, Planner]:
    clock = Clock()
    settings = Settings(account="PHARMA-DEMO", state_dir=state)
    planner = Planner(
        settings, Plan(), L.Ledger(state), notifier_factory(settings, clock), now=clock, rng=random.Random(7)
    )
    planner.run = run_factory(settings, clock)
    while clock.now < END:
        planner.tick()
        clock.now += timedelta(minutes=10)
    return len(planner.ledger.attempts("PHARMA-DEMO", "2026-10", limit=1000)), planner


def before(state: Path) -> tuple[int, int]:
    child = Notifier([])

    def run_factory(settings, clock):
        def run(period):
            person = HandOver(
                Mailbox(), [], account="PHARMA-DEMO", code_wait=300, ready_wait=0.001, unattended=True, notifier=child
            )
            try:
                person.before_sms()
            except CodeNotProvided as exc:  # the runner, as it was: always notified
                child.send("Damancom : échec de la connexion (code 3)", exc.message)
                return Outcome(3, None, None, exc.message)
            raise AssertionError("nobody answers in this month")

        return run

    attempts, planner = month(state, run_factory, lambda settings, clock: Notifier([]))
    return attempts, len(child.sent) + len(planner.notifier.sent)


def after(state: Path) -> tuple[int, int, list[str]]:
    phone = TelegramStandIn().start()
    api = BotApi(TOKEN, phone.url)
    try:

        def run_factory(settings, clock):
            def run(period):
                mailbox = Mailbox()
                channel = TelegramChannel(mailbox, api, (ME,), "PHARMA-DEMO", ready_wait=0.001, poll=1)
                notifier = build_notifier(settings, sink=channel, now=clock)
                channel.budget = notifier.budget
                channel.start()
                person = HandOver(
                    mailbox,
                    [channel],
                    account="PHARMA-DEMO",
                    code_wait=300,
                    ready_wait=0.001,
                    unattended=True,
                    notifier=notifier,
                )
                try:
                    person.before_sms()
                except CodeNotProvided as exc:
                    if not quiet_failure(exc, person):
                        notifier.send("Damancom : échec de la connexion (code 3)", exc.message)
                    return Outcome(3, None, None, exc.message)
                finally:
                    person.close()
                raise AssertionError("nobody answers in this month")

            return run

        attempts, _ = month(
            state,
            run_factory,
            lambda settings, clock: build_notifier(settings, sink=TelegramSink(api, (ME,)), now=clock),
        )
        rings = [m for m in phone.sent() if m.method in ("sendMessage", "sendPhoto", "sendDocument")]
        questions = sum("Prêt à recevoir le SMS ?" in m.text for m in rings)
        return attempts, len(rings), questions, [m.text.split("\n")[0][:70] for m in rings]
    finally:
        phone.stop()


if __name__ == "__main__":
    with TemporaryDirectory() as tmp:
        attempts, count = before(Path(tmp) / "before")
        print(f"avant : {attempts} essais, {count} notifications, 0 SMS")
        attempts, count, questions, titles = after(Path(tmp) / "after")
        print(f"après : {attempts} essais, {count} notifications dont {questions} questions « prêt ? », 0 SMS")
        for title in titles[-6:]:
            print("   ", title)
