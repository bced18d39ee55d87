"""The way in, by meaning (issue 22, point 1): from a public home page to the login choice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.audit.manifest import read_records
from bot.sandbox import Sandbox
from bot.sandbox.shapes import Shape
from flows.home import EntryScreen, HomeScreen
from flows.interface import InterfaceScreen
from flows.login import login, open_home
from tests.conftest import STYLES, outbox_person

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
