"""Waiting for the page to change after an action (`flows/engine/step.py`): woken by the change
itself, the page left asleep meanwhile (no predicate run over and over in it), and a page that does
not change looked at again only at the step's deadlines or every LOOK_EVERY seconds."""

from __future__ import annotations

import time

import pytest

from bot.errors import UnexpectedPage
from bot.sandbox import Sandbox
from flows.engine import step
from flows.identifier import IdentifierScreen

# Counts the reads of the DOM-change counter `_STATE` installs: every poll of a predicate reads it.
_COUNT_READS = """() => {
  let value = window.__dmcMut;
  window.__dmcReads = 0;
  Object.defineProperty(window, '__dmcMut', {
    configurable: true,
    get() { window.__dmcReads++; return value; },
    set(v) { value = v; },
  });
}"""


def _calm_page(page):
    page.set_content("<main><p>Rien ne bouge ici.</p></main>")
    changes = step._state(page)["changes"]
    page.evaluate(_COUNT_READS)
    return changes


def test_a_calm_page_is_not_polled_while_the_step_waits(page):
    changes = _calm_page(page)
    step._wait_change(page, changes, 1.0)
    assert page.evaluate("window.__dmcReads") <= 2  # one look when the wait starts, not one every 50 ms


def test_a_change_ends_the_wait_at_once(page):
    changes = _calm_page(page)
    page.evaluate("setTimeout(() => document.querySelector('p').textContent = 'Code envoyé.', 100)")
    started = time.monotonic()
    step._wait_change(page, changes, 60.0)
    assert time.monotonic() - started < 30  # woken by the change, far before the minute
    assert page.locator("p").inner_text() == "Code envoyé."


def test_a_change_before_the_wait_returns_at_once(page):
    changes = _calm_page(page)
    page.evaluate("document.querySelector('p').textContent = 'Déjà changé.'")
    started = time.monotonic()
    step._wait_change(page, changes, 60.0)
    assert time.monotonic() - started < 30


def test_a_new_document_during_the_wait_is_waited_for(page, portal):
    with Sandbox(portal) as sandbox:
        page.goto(sandbox.url)
        changes = step._state(page)["changes"]
        page.evaluate("url => setTimeout(() => { location.href = url; }, 100)", sandbox.url + "authentification/otp")
        started = time.monotonic()
        step._wait_change(page, changes, 60.0)  # the old document goes away: no error, no minute's wait
        assert time.monotonic() - started < 30
        page.wait_for_url("**/fr/authentification/otp")


def test_a_calm_page_is_looked_at_by_its_deadlines_not_every_half_second(flow, monkeypatch):
    flow.page.set_content("<main><h1>Bienvenue</h1><p>Aucune entrée ici.</p></main>")
    looks, waits = [], []
    look, wait_change = step._look, step._wait_change
    monkeypatch.setattr(step, "_look", lambda ctx, screens: looks.append(1) or look(ctx, screens))
    monkeypatch.setattr(
        step, "_wait_change", lambda page, n, seconds: waits.append(seconds) or wait_change(page, n, seconds)
    )
    with pytest.raises(UnexpectedPage):  # calm for SETTLE seconds, and no expected screen: unknown
        step.act(flow, None, expect=[IdentifierScreen])
    assert max(waits) > 0.5  # the calm deadline is seconds away: no look every half second meanwhile
    # a look on arrival, one after LOOK_EVERY, one at the calm deadline and the last one before the verdict
    assert len(looks) <= 2 + int(step.SETTLE / step.LOOK_EVERY) + 1


def test_the_next_look_is_the_first_deadline_ahead():
    assert step._next_look(10.0, [30.0, 10.7, 9.0]) == pytest.approx(0.7)  # 9.0 has passed
    assert step._next_look(10.0, [30.0]) == step.LOOK_EVERY
    assert step._next_look(10.0, [10.01]) == 0.05  # never a busy loop
