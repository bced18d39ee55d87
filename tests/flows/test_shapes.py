"""The seeded walk through the space of portal shapes (issue 22, point 4): on every shape drawn,
the bot logs in, or ends with exactly the honest outcome the run calls for (a wrong password, an
unknown identifier: exit 5 naming it). Any other ending is a misdiagnosis.

The seed is shared by the run's workers (xdist's run id) or set with DAMANCOM_SHAPES_SEED; it is
printed on failure. DAMANCOM_SHAPES sets how many shapes a run draws (30 by default). The closing
table (shapes, logins, honest outcomes, misdiagnoses) is printed by tests/support/shape_table.py."""

from __future__ import annotations

import json
import os
import random
import zlib
from dataclasses import replace

import pytest

from bot.audit.recorder import Recorder
from bot.errors import BotError
from bot.sandbox import Sandbox
from bot.sandbox.shapes import FIELD, Shape
from flows.engine.context import FlowContext
from flows.interface import InterfaceScreen
from flows.login import login, logout
from tests.conftest import STYLES, outbox_person

PAGES = {"classic": "documents", "spa": "single"}  # the shape renderer's two ways of changing screen

COUNT = int(os.environ.get("DAMANCOM_SHAPES", "30"))
ENDINGS = {  # what the run types, and the honest outcome it calls for
    "login": ("PHARMA-DEMO", None, "connexion"),
    "wrong-password": ("PHARMA-DEMO", "Pas-le-bon", "refus du mot de passe (code 5)"),
    "unknown-identifier": ("PHARMA-INCONNU", None, "refus de l'identifiant (code 5)"),
}


@pytest.fixture(scope="session")
def seed(testrun_uid) -> int:
    chosen = os.environ.get("DAMANCOM_SHAPES_SEED")
    return int(chosen) if chosen else zlib.crc32(testrun_uid.encode()) % 100_000


def draw(seed: int, index: int) -> tuple[Shape, str]:
    """The index-th shape of a run: the field's own shape first, then points drawn at random."""
    rng = random.Random(f"{seed}-{index}")
    ending = rng.choices(list(ENDINGS), weights=[6, 1, 1])[0]
    return (FIELD if index == 0 else Shape.draw(rng)), ending


@pytest.fixture(scope="session")
def cdp_browser(playwright, shared_chromium):
    """The test process's shared Chromium: each login is a context in it, not a browser."""
    browser = playwright.chromium.connect_over_cdp(shared_chromium)
    yield browser
    browser.close()


def outcome_of(shape: Shape, ending: str, browser, folder) -> str:
    identifier, wrong_password, _ = ENDINGS[ending]
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        flow = FlowContext(
            page, Recorder(folder, identifier, "2026-10", run_id="forme"), action_timeout=10, navigation_timeout=20
        )
        with Sandbox(shape=shape) as sandbox:
            password = wrong_password or sandbox.portal.accounts["PHARMA-DEMO"].password
            try:
                screen = login(
                    flow, sandbox.url, identifier, password, outbox_person(sandbox, identifier, code_wait=120)
                )  # delays add up: not the subject
            except BotError as error:
                return f"code {error.exit_code} : {error.message}"
            return "connexion" if isinstance(screen, InterfaceScreen) else f"écran {type(screen).__name__}"
    finally:
        context.close()


def honest(ending: str, outcome: str) -> bool:
    if ending == "login":
        return outcome == "connexion"
    if ending == "wrong-password":
        return outcome.startswith("code 5 : Le portail a refusé le mot de passe")
    return outcome.startswith("code 5 : Le portail n'a pas accepté l'identifiant") and "inconnu" in outcome


@pytest.mark.parametrize("index", range(COUNT))
def test_the_bot_logs_in_on_every_shape_or_says_exactly_why_not(index, seed, cdp_browser, tmp_path, record_property):
    shape, ending = draw(seed, index)
    outcome = outcome_of(shape, ending, cdp_browser, tmp_path / "recordings")
    fair = honest(ending, outcome)
    record_property(
        "shape_outcome",
        json.dumps(
            {"seed": seed, "shape": shape.format(), "ending": ending, "outcome": outcome[:160], "honest": fair},
            ensure_ascii=False,
        ),
    )
    assert fair, (
        f"graine {seed} (DAMANCOM_SHAPES_SEED={seed} pour rejouer), forme n° {index} « {shape.format()} », "
        f"attendu : {ENDINGS[ending][2]} ; obtenu : {outcome}"
    )


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(
    "shape", [FIELD, replace(FIELD, password="before", buttons="link", code="boxes")], ids=["field", "password-before"]
)
def test_the_field_shape_and_a_password_screen_of_its_own(flow, demo_account, style, shape):
    with Sandbox(shape=replace(shape, pages=PAGES[style])) as sandbox:
        screen = _demo_login(flow, sandbox, demo_account)
        assert isinstance(screen, InterfaceScreen) and len(sandbox.outbox.all()) == 1
    steps = [p.name[3:-4] for p in flow.recorder.shots]
    assert ("mot-de-passe-saisi" in steps) == (shape.password == "before")


@pytest.mark.parametrize("style", STYLES)
def test_logging_out_of_the_field_shape_is_seen_as_done(flow, demo_account, style):
    """After « Se déconnecter » the field's portal shows its public page, which offers no way in:
    the space left is the logout done, not « Déconnexion incomplète » with failure evidence."""
    with Sandbox(shape=replace(FIELD, pages=PAGES[style])) as sandbox:
        screen = _demo_login(flow, sandbox, demo_account)
        assert logout(flow, screen) is True
    assert "deconnexion" in [p.name[3:-4] for p in flow.recorder.shots]


def _demo_login(flow, sandbox, account):
    """The demo account logs in, its code handed over by the sandbox's phone (shape delays add up)."""
    return login(
        flow,
        sandbox.url,
        account.identifier,
        account.password,
        outbox_person(sandbox, account.identifier, code_wait=60),
    )
