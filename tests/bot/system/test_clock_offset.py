"""The machine's clock against the portal's: measured from the `Date` header a run sees (real
Chromium, the sandbox over real HTTP), stored, applied by the planner's clock, shown in French."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.system import clock
from bot.system.clock import TZ
from tests.support.waiting import wait_until


def test_http_date_header_read():
    assert clock.from_http_date("Tue, 10 Nov 2026 22:23:05 GMT") == datetime(2026, 11, 10, 23, 23, 5, tzinfo=TZ)
    assert clock.from_http_date("hier soir") is None and clock.from_http_date(None) is None


def test_a_run_measures_the_offset_from_the_portals_date_header(page, sandbox, tmp_path):
    late = lambda: clock.now() - timedelta(hours=1)  # noqa: E731 - the machine's clock, one hour late
    clock.watch_portal(page, tmp_path, sandbox.url, machine=late)
    page.goto(sandbox.url)
    wait_until(lambda: clock.read_offset(tmp_path) is not None, timeout=30)
    assert abs(clock.offset(tmp_path) - timedelta(hours=1)) < timedelta(seconds=30)
    corrected = clock.corrected(tmp_path, late)()
    assert abs(corrected - clock.now()) < timedelta(seconds=30)  # the planner's clock: the portal's time
    warning = clock.offset_warning(tmp_path)
    assert warning["lines"][0].startswith("Horloge : l'heure de cet ordinateur retarde de 1 h 00 min")


def test_other_hosts_and_a_right_clock_change_nothing(page, sandbox, tmp_path):
    clock.watch_portal(page, tmp_path, "https://www.damancom.ma/fr/", machine=lambda: clock.now() - timedelta(hours=2))
    page.goto(sandbox.url)  # not the portal's host: not measured
    assert clock.read_offset(tmp_path) is None and clock.offset(tmp_path) == timedelta(0)
    clock.measured(tmp_path, clock.now(), clock.now() - timedelta(seconds=40))  # the network's delay: ignored
    assert clock.offset(tmp_path) == timedelta(0) and clock.offset_warning(tmp_path) is None
    assert clock.off_by_fr(timedelta(minutes=-12)) == "avance de 12 min"
