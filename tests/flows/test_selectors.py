"""Every selector file loads, and every element it describes resolves on the sandbox's screens."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from flows.code_password import CodePasswordScreen
from flows.engine import locate, selectors_data
from flows.engine.step import wait_for
from flows.home import HomeScreen
from flows.login import login
from tests.conftest import outbox_person
from tests.support.screens import to_code

SCREENS = [
    "home",
    "entry",
    "identifier",
    "code_password",
    "password",
    "interface",
    "eid",
    "unavailable",
    "declaration",
    "confirmation",
    "receipt",
    "messages",
    "interstitials",
    "question",
    "refusal",
    "group",
]
# Labels known verbatim on the real portal; every other element must also be found without wording.
KNOWN_LABELS = {"S'authentifier avec OTP", "Valider"}
STRUCTURAL_REQUIRED = {
    ("identifier", "identifier"),
    ("identifier", "submit"),
    ("code_password", "code"),
    ("code_password", "password"),
    ("code_password", "submit"),
}


def test_selector_folder_is_data_only():
    folder = selectors_data.default_folder()
    assert folder.is_dir()
    assert not (folder / "__init__.py").exists()
    root = Path(__file__).resolve().parents[2]
    for package in ("bot", "flows", "tests", "selectors"):  # a selectors.py would shadow the stdlib module
        assert not list((root / package).rglob("selectors.py"))
    assert sorted(p.stem for p in folder.glob("*.yaml")) == sorted(SCREENS)


@pytest.mark.parametrize("name", SCREENS)
def test_selector_file_loads(name):
    spec = selectors_data.load(name)
    assert spec.recognise and spec.label


@pytest.mark.parametrize("screen, element", sorted(STRUCTURAL_REQUIRED))
def test_login_fields_have_a_fallback_independent_of_guessed_labels(screen, element):
    strategies = selectors_data.load(screen).elements[element]
    assert any("css" in s or s.get("name") in KNOWN_LABELS for s in strategies)


@pytest.mark.parametrize(
    "message, kind",
    [
        ("Code ou mot de passe incorrect.", "wrong_code"),  # ambiguous: a new code, never the password blamed
        ("Mot de passe incorrect.", "wrong_password"),
        ("Le code saisi n'est pas valide.", "wrong_code"),
        ("Code OTP erroné.", "wrong_code"),
        ("Le code a expiré.", "expired"),
        ("Trop de tentatives : authentification annulée.", "too_many"),
        # the code's announcement still on screen above the password's refusal (shape « password=before »)
        (
            "Un code à 6 chiffres vous a été envoyé au 06 •• •• •• 78. Il est valable 5 minutes. Mot de passe "
            "incorrect. Il vous reste 2 essais.",
            "wrong_password",
        ),
        ("Code envoyé au 06.12.34.56.78\nCode incorrect.", "wrong_code"),
    ],
)
def test_refusal_classification(message, kind):
    """What the code screen's selector file says each refusal means: a reading of text, no page."""
    screen = CodePasswordScreen.__new__(CodePasswordScreen)  # no page: `refusal` reads only the file
    screen.spec = selectors_data.load(CodePasswordScreen.name)
    assert screen.refusal(message) == kind


def test_invalid_selector_file_is_a_clear_config_error(tmp_path):
    (tmp_path / "home.yaml").write_text("label: x\nrecognise: [missing]\nelements: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="« missing »"):
        selectors_data.load("home", tmp_path)
    (tmp_path / "identifier.yaml").write_text("elements: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML valide"):
        selectors_data.load("identifier", tmp_path)


def _assert_all_resolve(page, name: str, skip: set[str] = frozenset()):
    spec = selectors_data.load(name)
    missing = [
        e for e, strategies in spec.elements.items() if e not in skip and locate.resolve(page, strategies) is None
    ]
    assert not missing, f"{name}: {missing}"


def _assert_structural_resolve(page, name: str):
    spec = selectors_data.load(name)
    for screen, element in STRUCTURAL_REQUIRED:
        if screen == name:
            structural = [s for s in spec.elements[element] if "css" in s or s.get("name") in KNOWN_LABELS]
            assert locate.resolve(page, structural), f"{name}.{element} needs its labels"


def test_every_selector_resolves_on_the_sandbox(flow, sandbox, demo_account):
    page = flow.page
    page.goto(sandbox.url)
    _assert_all_resolve(page, "home", skip={"error"})
    page.goto(sandbox.url + "authentification/otp")
    _assert_all_resolve(page, "identifier", skip={"password", "error"})  # password: must be absent here
    _assert_structural_resolve(page, "identifier")
    page.get_by_label("Identifiant").fill("NOBODY")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_text("Identifiant inconnu").wait_for()  # the refusal's new document, not the old one
    assert locate.resolve(page, selectors_data.load("identifier").elements["error"])

    code_screen = to_code(flow, sandbox, demo_account.identifier)
    _assert_all_resolve(page, "code_password", skip={"error"})
    _assert_structural_resolve(page, "code_password")
    code_screen.fill("000000", "not-the-password")
    code_screen.send()
    page.get_by_role("alert").wait_for()
    _assert_all_resolve(page, "code_password")

    page.goto(sandbox.url)
    login(
        flow,
        sandbox.url,
        demo_account.identifier,
        demo_account.password,
        outbox_person(sandbox, demo_account.identifier),
    )
    _assert_all_resolve(page, "interface", skip={"login_choice"})  # must be absent there
    flow.page.get_by_role("button", name="Se déconnecter").click()
    wait_for(flow, [HomeScreen])
    page.get_by_text("Vous êtes déconnecté.").wait_for()
    _assert_all_resolve(page, "home")  # the message counts as the screen's error/status element

    page.goto(sandbox.url + "authentification/eid")
    _assert_all_resolve(page, "eid")
