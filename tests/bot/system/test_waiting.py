"""Long waits are cut into slices, so that Ctrl-C gets through on Windows (where a lock wait
ignores it until it ends): the logic is checked here, on any system."""

from __future__ import annotations

import threading

from bot.handover.mailbox import CODE, Mailbox
from bot.schedule.service import _interruptible_scheduler_class
from bot.system import waiting
from bot.system.waiting import SLICE, SlicedEvent


class CountingEvent(SlicedEvent):
    def __init__(self, set_after: int):
        super().__init__()
        self.steps, self.set_after = [], set_after

    def _wait_slice(self, step):
        self.steps.append(step)
        if len(self.steps) == self.set_after:
            self.set()
        return super()._wait_slice(0)


def test_a_wait_forever_is_made_of_short_slices():
    event = CountingEvent(set_after=3)
    assert event.wait() is True
    assert event.steps == [SLICE, SLICE, SLICE]


def test_a_long_timeout_is_sliced_too_and_ends():
    steps = list(waiting.slices(0))
    assert steps == []
    event = CountingEvent(set_after=2)
    assert event.wait(3600) is True and all(0 < s <= SLICE for s in event.steps)


def test_the_mailbox_waits_in_slices(monkeypatch):
    seen = []
    real = waiting.slices

    def spy(timeout):
        for step in real(timeout):
            seen.append(step)
            yield step

    monkeypatch.setattr("bot.handover.mailbox.slices", spy)
    mailbox = Mailbox()
    threading.Timer(1.2, lambda: mailbox.offer_code("123456", "terminal")).start()
    assert mailbox.take({CODE}, timeout=300).value == "123456"
    assert len(seen) >= 2 and max(seen) <= SLICE


def test_the_scheduler_main_loop_waits_on_a_sliced_event():
    from tests.support.waiting import wait_until

    scheduler = _interruptible_scheduler_class()(timezone="Africa/Casablanca")
    seen = []
    scheduler.add_job(lambda: seen.append(type(scheduler._event)))
    runner = threading.Thread(target=scheduler.start, daemon=True)
    runner.start()
    wait_until(lambda: seen)
    scheduler.shutdown(wait=False)
    runner.join(timeout=10)
    assert seen == [SlicedEvent] and not runner.is_alive()
