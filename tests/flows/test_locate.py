"""Recognising a screen in one round trip (issue 22, point 8): one look (`locate.Sight`) counts every
strategy of every candidate screen at once, and answers exactly as trying them one by one does.

The pages are the snapshot test bed's (tests/flows/snapshots/), loaded with `page.set_content`."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright._impl._sync_base import SyncBase

from bot.audit.recorder import Recorder
from flows.code_password import CodePasswordScreen
from flows.engine import locate, selectors_data, step
from flows.engine.context import FlowContext
from flows.home import HomeScreen
from flows.identifier import IdentifierScreen
from flows.interface import InterfaceScreen
from flows.password import PasswordScreen

SNAPSHOTS = Path(__file__).parent / "snapshots"
PAGES = sorted(SNAPSHOTS.glob("*.html"))
LOGIN_SCREENS = (HomeScreen, IdentifierScreen, PasswordScreen, CodePasswordScreen, InterfaceScreen)


@pytest.fixture(scope="module")
def bed(browser, tmp_path_factory):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield FlowContext(page, Recorder(tmp_path_factory.mktemp("bed"), "banc", "2026-10"), 5, 10)
    context.close()


@pytest.fixture(autouse=True)
def no_winners():
    """Last time's winners are a run's memory: each test starts from the file order."""
    locate.forget()
    yield
    locate.forget()


class RoundTrips:
    """Counts the calls the sync API sends to the browser and waits for (any object's: page,
    locator…), each one a round trip; the calls themselves are made as usual."""

    def __init__(self, monkeypatch):
        self.calls = 0
        real = SyncBase._sync

        def counted(obj, awaitable):
            self.calls += 1
            return real(obj, awaitable)

        monkeypatch.setattr(SyncBase, "_sync", counted)


def every_element():
    return [
        (name, element, strategies)
        for name in selectors_data.screen_names()
        for element, strategies in selectors_data.load(name).elements.items()
    ]


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_one_look_finds_what_trying_each_strategy_finds(bed, path):
    bed.page.set_content(path.read_text(encoding="utf-8"))
    elements = every_element()
    sight = locate.Sight(bed.page, [strategies for _, _, strategies in elements])
    for name, element, strategies in elements:
        one_by_one = locate.resolve(bed.page, strategies, remember=False)
        looked = sight.resolve(strategies)
        assert (looked and looked.strategy) == (one_by_one and one_by_one.strategy), f"{name}.{element}"
        if looked is not None:
            assert looked.locator.count() == 1


def test_a_screen_is_recognised_in_one_round_trip(bed, monkeypatch):
    bed.page.set_content((SNAPSHOTS / "code_password--sandbox-classic.html").read_text(encoding="utf-8"))
    trips = RoundTrips(monkeypatch)
    assert CodePasswordScreen(bed).is_here()
    assert trips.calls <= 2  # last time's winners (or the first strategies) and « anything at all? », then the rest
    calls = trips.calls
    assert not IdentifierScreen(bed).is_here()
    assert trips.calls - calls <= 2


def test_the_candidates_after_a_step_are_looked_at_together(bed, monkeypatch):
    """The step's recognition: every expected screen and the « portail indisponible » one, one look."""
    bed.page.set_content((SNAPSHOTS / "interface--sandbox-spa.html").read_text(encoding="utf-8"))
    trips = RoundTrips(monkeypatch)
    found = step._recognise(bed, (InterfaceScreen, CodePasswordScreen, IdentifierScreen), None, True)
    assert isinstance(found.screen, InterfaceScreen)
    assert trips.calls <= 2


def test_last_times_winner_is_tried_first_in_a_look_too(bed):
    """Two strategies that both find the field: the one that matched last time keeps winning."""
    bed.page.set_content("<label for='i'>Identifiant</label><input id='i' placeholder='Votre identifiant'>")
    strategies = [{"label": "Identifiant"}, {"placeholder": "Votre identifiant"}]
    assert locate.Sight(bed.page, [strategies]).resolve(strategies).strategy == strategies[0]
    locate._won(strategies, 1)
    assert locate.Sight(bed.page, [strategies]).resolve(strategies).strategy == strategies[1]


def test_two_visible_matches_are_no_answer_and_hidden_ones_do_not_count(bed):
    bed.page.set_content("<button>Valider</button><button>Valider</button><a style='display:none'>Suivant</a>")
    two, hidden = [{"role": "button", "name": "Valider"}], [{"text": "Suivant"}]
    sight = locate.Sight(bed.page, [two, hidden])
    assert sight.resolve(two) is None and locate.resolve(bed.page, two) is None
    assert sight.resolve(hidden) is None


def test_an_earlier_runs_winners_save_the_second_round_trip(bed, monkeypatch):
    """A fresh process (each month's run) that recalls the last run's winners finds a field its
    first strategy misses in one round trip, not two; an edited list is a new list."""
    bed.page.set_content("<input aria-label='Code' placeholder='CODE'>")
    strategies = [{"label": "Code reçu par SMS"}, {"placeholder": "CODE"}]
    trips = RoundTrips(monkeypatch)
    assert locate.Sight(bed.page, [strategies]).resolve(strategies).strategy == strategies[1]
    assert trips.calls == 2
    saved = locate.winners()
    locate.forget()  # the next month's process
    locate.recall(saved)
    again = [dict(s) for s in strategies]  # the same file read again: another list, the same contents
    calls = trips.calls
    assert locate.Sight(bed.page, [again]).resolve(again).strategy == strategies[1]
    assert trips.calls - calls == 1
    edited = [*again, {"css": "input"}]
    assert locate._winner(edited) is None
