"""Waiting for the page to change after an action (`flows/engine/step.py`): woken by the change
itself, the page left asleep meanwhile (no predicate run over and over in it)."""

from __future__ import annotations

import time

from bot.sandbox import Sandbox
from flows.engine import step

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
