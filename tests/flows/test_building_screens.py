"""Screens that build themselves in beats, and texts that are not refusals (issue 22, point 2)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.errors import CredentialsRejected, UnexpectedPage
from bot.sandbox import Sandbox
from bot.sandbox.shapes import Shape
from flows.interface import InterfaceScreen
from flows.login import login
from tests.conftest import STYLES, outbox_person
from tests.support.people import CodeFrom
from tests.support.tiny_portal import TinyPortal

both_styles = pytest.mark.parametrize("style", STYLES)

PAGES = {"classic": "documents", "spa": "single"}  # the shape renderer's two ways of changing screen
# The password field first, then « un code vous a été envoyé par SMS et e-mail » (in role=alert,
# as Bootstrap portals do), then the six tel boxes two seconds later.
LATE_BOXES = Shape(fields="caps", code="late", late=2.0, messages="alert")


def shaped(shape: Shape, style: str) -> Sandbox:
    return Sandbox(shape=replace(shape, pages=PAGES[style]))


@both_styles
def test_code_boxes_drawn_after_the_password_still_log_in(flow, demo_account, style):
    with shaped(LATE_BOXES, style) as sandbox:
        screen = login(
            flow,
            sandbox.url,
            demo_account.identifier,
            demo_account.password,
            outbox_person(sandbox, demo_account.identifier),
        )
        assert isinstance(screen, InterfaceScreen)
        assert len(sandbox.outbox.all()) == 1  # one SMS, no refusal counted


@both_styles
@pytest.mark.parametrize("messages", ["alert", "toast", "inline", "neutral"])
def test_the_announcement_is_progress_in_every_message_style(flow, demo_account, style, messages):
    with shaped(replace(LATE_BOXES, messages=messages, late=1.0), style) as sandbox:
        screen = login(
            flow,
            sandbox.url,
            demo_account.identifier,
            demo_account.password,
            outbox_person(sandbox, demo_account.identifier),
        )
    assert isinstance(screen, InterfaceScreen)


@both_styles
@pytest.mark.parametrize("messages", ["alert", "toast", "inline", "neutral"])
def test_an_unknown_identifier_is_read_as_a_refusal_in_every_message_style(flow, style, messages):
    with shaped(replace(LATE_BOXES, messages=messages), style) as sandbox:
        with pytest.raises(CredentialsRejected, match="Identifiant inconnu") as caught:
            login(flow, sandbox.url, "PHARMA-INCONNU", "x", outbox_person(sandbox, "PHARMA-INCONNU"))
    assert caught.value.exit_code == 5


@both_styles
@pytest.mark.parametrize("messages", ["alert", "toast", "inline", "neutral"])
def test_a_wrong_password_is_read_as_such_in_every_message_style(flow, demo_account, style, messages):
    with shaped(replace(LATE_BOXES, messages=messages, late=1.0), style) as sandbox:
        with pytest.raises(CredentialsRejected, match="refusé le mot de passe") as caught:
            login(
                flow,
                sandbox.url,
                demo_account.identifier,
                "Pas-le-bon",
                outbox_person(sandbox, demo_account.identifier),
            )
    assert caught.value.exit_code == 5


NEVER_FINISHED = """<!doctype html><html lang="fr"><body><main id="m">
<button id="otp">S'authentifier avec OTP</button></main><script>
document.getElementById('otp').onclick = () => { document.getElementById('m').innerHTML =
  '<label for="i">Identifiant</label><input id="i"><button id="go">Continuer</button>';
  document.getElementById('go').onclick = () => { document.getElementById('m').innerHTML =
    '<p>Merci, votre demande est en cours de traitement.</p><input type="password" aria-label="Mot de passe">'; }; };
</script></body></html>"""


def test_a_screen_that_never_finishes_building_is_exit_6_with_evidence(flow):
    flow.action_timeout = 2
    with TinyPortal(NEVER_FINISHED) as portal:
        with pytest.raises(UnexpectedPage) as caught:
            login(flow, portal.url, "PHARMA-7731", "Y", CodeFrom(portal))
    assert caught.value.exit_code == 6 and "incomplet" in caught.value.message
    assert caught.value.screenshot.is_file()


SAME_SCREEN_NEUTRAL = """<!doctype html><html lang="fr"><body><main id="m">
<button id="otp">S'authentifier avec OTP</button></main><script>
const form = (extra) => '<label for="i">Identifiant</label><input id="i"><button id="go">Continuer</button>' + extra;
document.getElementById('otp').onclick = () => { const m = document.getElementById('m'); m.innerHTML = form('');
  document.getElementById('go').onclick = () => { m.innerHTML = form('<p>Merci de patienter.</p>'); }; };
</script></body></html>"""


def test_the_identifier_screen_again_without_a_refusal_is_exit_6_not_5(flow):
    """No SMS spent on a guess, no refusal counted by the lockout guard: the portal said nothing."""
    with TinyPortal(SAME_SCREEN_NEUTRAL) as portal:
        with pytest.raises(UnexpectedPage) as caught:
            login(flow, portal.url, "PHARMA-7731", "Y", CodeFrom(portal))
    assert caught.value.exit_code == 6 and "Merci de patienter" in caught.value.message
