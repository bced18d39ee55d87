"""The snapshot test bed: pages kept by the bot (`bot/audit/snapshot.py`, a « rapport de portail »)
or seeded from the sandbox's two styles and the foreign portals (`tests/flows/snapshots/seed.py`),
loaded with `page.set_content` — no server — and each one's recognition asserted.

Fixing a selector: edit the YAML in selectors/, drop the page in tests/flows/snapshots/ named
`<screen>--<where it comes from>.html` (`<screen>` is the selector file's name; `refusal-<kind>` for
a refusal page, `inconnu` for a page no login screen may claim), and run this one file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.audit.recorder import Recorder
from flows.code_password import CodePasswordScreen
from flows.declaration import ConfirmationScreen, DeclarationScreen, ReceiptScreen
from flows.eid import EidScreen
from flows.engine.context import FlowContext
from flows.group import GroupScreen
from flows.home import EntryScreen, HomeScreen
from flows.identifier import IdentifierScreen
from flows.interface import InterfaceScreen
from flows.question import QuestionScreen
from flows.unavailable import RefusalPage, UnavailableScreen

FOLDER = Path(__file__).parent / "snapshots"
PAGES = sorted(FOLDER.glob("*.html"))
SCREENS = {
    cls.name: cls
    for cls in (
        HomeScreen,
        EntryScreen,
        IdentifierScreen,
        CodePasswordScreen,
        InterfaceScreen,
        GroupScreen,
        EidScreen,
        QuestionScreen,
        UnavailableScreen,
        DeclarationScreen,
        ConfirmationScreen,
        ReceiptScreen,
    )
}
LOGIN = ("home", "entry", "identifier", "code_password", "interface", "group")
# Screens that must not claim the page as well: the flows would take the wrong turn.
NOT_WITH = {
    "entry": ("home",),
    "home": ("identifier", "code_password", "interface"),
    "identifier": ("code_password", "interface"),
    "code_password": ("interface",),
    "interface": ("home", "identifier", "code_password", "group"),
    "group": ("home", "identifier", "code_password", "interface"),
}


@pytest.fixture(scope="module")
def bed(browser, tmp_path_factory):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield FlowContext(page, Recorder(tmp_path_factory.mktemp("bed"), "banc", "2026-10"), 5, 10)
    context.close()


def test_the_folder_has_both_styles_and_the_foreign_portals():
    sources = {p.stem.split("--", 1)[1] for p in PAGES}
    assert {"sandbox-classic", "sandbox-spa", "foreign-portal", "foreign-spa", "foreign-hurdles"} <= sources


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_each_page_is_recognised_as_what_it_is(bed, path):
    expected = path.stem.split("--", 1)[0]
    bed.page.set_content(path.read_text(encoding="utf-8"))
    claimed = [name for name in LOGIN if SCREENS[name](bed).is_here()]
    if expected.startswith("refusal-"):
        assert RefusalPage(bed).read().kind == expected.removeprefix("refusal-")
        assert claimed == [], f"a refusal page taken for {claimed}"
    elif expected == "inconnu":
        assert claimed == [], f"an unknown page taken for {claimed}"
    else:
        assert expected in SCREENS, f"{path.name}: « {expected} » is no screen ({', '.join(SCREENS)})"
        assert SCREENS[expected](bed).is_here(), f"{path.name}: not recognised as {expected}"
        wrong = [name for name in NOT_WITH.get(expected, ()) if name in claimed]
        assert wrong == [], f"{path.name}: also taken for {wrong}"
