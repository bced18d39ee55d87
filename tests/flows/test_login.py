"""The whole login flow in-process, against the sandbox, with each way it can end."""

from __future__ import annotations

import pytest

from bot.errors import CodeNotProvided, CredentialsRejected
from bot.sandbox import Portal, Sandbox
from flows.interface import InterfaceScreen
from flows.login import login
from tests.conftest import (
    STYLES,
    TEST_SMS_DELAY,
    ScriptedPerson,
    assert_no_secret,
    outbox_person,
)

pytestmark = pytest.mark.parametrize("style", STYLES)


def off_by_one(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_login_reaches_interface_with_masked_screenshots(flow, sandbox, demo_account, tmp_path, style):
    screen = login(
        flow,
        sandbox.url,
        demo_account.identifier,
        demo_account.password,
        outbox_person(sandbox, demo_account.identifier),
    )
    assert isinstance(screen, InterfaceScreen)
    steps = [p.name[3:-4] for p in flow.recorder.shots]
    closed = ["annonce"] if style == "spa" else []  # the spa's announcement modal, closed and kept as proof
    assert steps == ["accueil", *closed, "identifiant", "code-demande", "code-saisi", "espace-affilie"]
    assert_no_secret([demo_account.password, sandbox.outbox.all()[-1].code], roots=(tmp_path,))


def test_a_mistyped_code_is_asked_again_once(flow, sandbox, demo_account):
    person = ScriptedPerson(
        sandbox.outbox, demo_account.identifier, lambda code, again: code if again else off_by_one(code)
    )
    screen = login(flow, sandbox.url, demo_account.identifier, demo_account.password, person)
    assert isinstance(screen, InterfaceScreen)
    assert person.asked == [False, True]


def test_stops_one_short_of_the_portal_limit(flow, sandbox, demo_account, portal):
    person = ScriptedPerson(sandbox.outbox, demo_account.identifier, lambda code, again: off_by_one(code))
    with pytest.raises(CredentialsRejected, match="Code incorrect. Il vous reste 1 essai"):
        login(flow, sandbox.url, demo_account.identifier, demo_account.password, person)
    assert len(person.asked) == portal.max_tries - 1


def test_wrong_password_stops_at_once(flow, sandbox, demo_account):
    with pytest.raises(CredentialsRejected, match="mot de passe") as caught:
        login(
            flow,
            sandbox.url,
            demo_account.identifier,
            "Not-The-Password",
            outbox_person(sandbox, demo_account.identifier),
        )
    assert caught.value.exit_code == 5 and caught.value.screenshot.is_file()


def test_expired_code_ends_with_exit_3(flow, demo_account, style):
    now = [1_800_000_000.0]
    portal = Portal(clock=lambda: now[0])

    def slow(code, again):
        now[0] += 600  # the person answers ten minutes later
        return code

    with Sandbox(portal, style=style, sms_delay=TEST_SMS_DELAY) as sandbox:
        with pytest.raises(CodeNotProvided, match="Le code a expiré") as caught:
            login(
                flow,
                sandbox.url,
                demo_account.identifier,
                demo_account.password,
                ScriptedPerson(sandbox.outbox, demo_account.identifier, slow),
            )
    assert caught.value.exit_code == 3
