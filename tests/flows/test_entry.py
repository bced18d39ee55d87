"""The way in, by meaning (issue 22, point 1): from a public home page to the login choice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.audit.manifest import read_records
from bot.sandbox import Sandbox
from bot.sandbox.shapes import Shape
from flows.engine.step import SETTLE, _calm_needed
from flows.home import EntryScreen, HomeScreen
from flows.interface import InterfaceScreen
from flows.login import HOME_CALM, login, open_home
from tests.conftest import STYLES, outbox_person
from tests.support.tiny_portal import TinyPortal

PAGES = {"classic": "documents", "spa": "single"}


def shaped(shape: Shape, style: str) -> Sandbox:
    return Sandbox(shape=replace(shape, pages=PAGES[style]))


def entries(flow) -> list[dict]:
    return [r for r in read_records(flow.recorder.folder) if r["step"] == "entree"]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("words", ["Se connecter", "Espace employeur", "Accéder à mon espace", "Damancom en ligne"])
def test_the_way_in_is_found_by_what_it_says_or_where_it_leads(flow, style, words):
    with shaped(Shape(entry="link", words=words, cookies="yes", modal="yes"), style) as sandbox:
        assert isinstance(open_home(flow, sandbox.url), HomeScreen)
        assert flow.page.url.endswith("/fr/authentification")
    assert [r["via"] for r in entries(flow)] == [words]  # the one taken, for the audit trail
    assert sandbox.outbox.all() == []


@pytest.mark.parametrize("style", STYLES)
def test_a_home_page_offering_nothing_usable_sends_the_bot_to_the_known_address(flow, demo_account, style):
    with shaped(Shape(entry="direct"), style) as sandbox:
        screen = login(
            flow,
            sandbox.url,
            demo_account.identifier,
            demo_account.password,
            outbox_person(sandbox, demo_account.identifier),
        )
        assert isinstance(screen, InterfaceScreen)
    [record] = entries(flow)
    assert record["via"] == "adresse connue" and record["url"].endswith("/fr/authentification")


def test_the_known_address_is_resolved_against_the_portal_address(flow):
    entry = EntryScreen(flow)
    assert entry.known_address("https://www.damancom.ma/fr/") == "https://www.damancom.ma/fr/authentification"
    assert entry.known_address("http://127.0.0.1:8080/fr/") == "http://127.0.0.1:8080/fr/authentification"


PUBLIC_HOME = """<!doctype html><html lang="fr"><body><nav>
<a href="/fr/actualites">Actualités</a> <a href="/fr/assures">Espace assurés</a>
<a href="/fr/otp/sms">Recevoir mon code par SMS</a> <a href="/fr/authentification/oubli">Mot de passe oublié ?</a>
<a href="/fr/espace">Espace employeur</a> <button onclick="void 0">Envoyer le code</button>
<a href="/fr/connexion">Se connecter</a> <a href="/fr/authentification">Damancom</a>
<a href="mailto:contact@example.ma">Connexion impossible ? Écrivez-nous</a></nav></body></html>"""


def test_ranking_prefers_the_clearest_way_in_and_never_what_could_send_an_sms(flow):
    flow.page.set_content(PUBLIC_HOME)
    ranked = EntryScreen(flow).ranked()
    assert [w.words for w in ranked] == ["Se connecter", "Espace employeur", "Damancom"]
    assert EntryScreen(flow).is_here()


def test_looking_for_the_way_in_again_leaves_the_page_as_it_was(flow):
    """The step waits for the page to be calm: a look that marked the links again each time would be
    a change of the page, and a public home page would never be calm (field shape: seconds of looks)."""
    from flows.engine.step import _state

    flow.page.set_content(PUBLIC_HOME)
    assert EntryScreen(flow).is_here()
    changes = _state(flow.page)["changes"]
    assert EntryScreen(flow).is_here()
    assert _state(flow.page)["changes"] == changes


def test_a_page_with_the_login_choice_is_not_an_entry(flow):
    flow.page.set_content(PUBLIC_HOME + "<button>S'authentifier avec OTP</button>")
    assert not EntryScreen(flow).is_here() and HomeScreen(flow).is_here()


_COUNT_CHANGES = """() => { window.__changes = 0; new MutationObserver(r => { window.__changes += r.length; })
  .observe(document, {subtree: true, childList: true, attributes: true, characterData: true}); }"""


def test_looking_again_for_the_way_in_does_not_change_the_page(flow):
    """The step waits for the page to be calm before calling it a page without a way in; the marks
    each look puts on the links must not count as the page changing, or it never is calm (field:
    the action timeout waited on every home page offering nothing)."""
    flow.page.set_content(PUBLIC_HOME)
    entry = EntryScreen(flow)
    first = entry.ranked()
    flow.page.evaluate(_COUNT_CHANGES)
    assert entry.ranked() == first and entry.is_here()
    assert flow.page.evaluate("() => window.__changes") == 0
    flow.page.evaluate("() => document.querySelector('nav').prepend(document.createElement('a'))")
    assert flow.page.evaluate("() => window.__changes") == 1  # the observer does see a real change


def test_a_loaded_page_with_nothing_in_flight_needs_only_a_short_calm_where_asked():
    """The portal's first page, loaded, nothing in flight: HOME_CALM of calm, not SETTLE (the real
    home offers no way in: its known address is the way). Anywhere else, or still loading: SETTLE."""
    loaded = {"replaced": False, "changes": 3, "loaded": True}
    assert HOME_CALM < SETTLE
    assert _calm_needed(loaded, [], 30, HOME_CALM) == HOME_CALM
    assert _calm_needed(loaded, [], 30, None) == SETTLE  # every other step
    assert _calm_needed({**loaded, "loaded": False}, [], 30, HOME_CALM) == SETTLE  # its load event not fired
    assert _calm_needed(loaded, ["a request"], 30, HOME_CALM) == SETTLE
    assert _calm_needed(None, [], 30, HOME_CALM) == SETTLE  # between two documents


# The login choice drawn 3 s after the page loaded, and only at the portal's own address.
LATE_HOME = """<!doctype html><html lang="fr"><head><title>Portail</title></head><body>
<h1>Portail des employeurs</h1><nav><a href="/actualites">Actualités</a></nav><main></main>
<script>if (location.pathname === '/') setTimeout(() => { document.querySelector('main').innerHTML =
  `<button type="button">S'authentifier avec OTP</button>`; }, 3000);</script></body></html>"""


def test_a_home_drawn_late_is_waited_for_when_the_known_address_leads_nowhere(flow):
    """Taken early as a page without a way in, the home is not given up: the known address shows no
    choice, so the bot comes back and gives the page its full time."""
    with TinyPortal(LATE_HOME) as tiny:
        screen = open_home(flow, tiny.url)
        assert isinstance(screen, HomeScreen) and flow.page.url == tiny.url
