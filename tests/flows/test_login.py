"""The whole login flow in-process, against the sandbox, with each way it can end."""

from __future__ import annotations

import io

import pytest

from bot.errors import CodeNotProvided, CredentialsRejected
from bot.otp import OutboxCodeSource, PromptCodeSource
from bot.sandbox import Portal, Sandbox
from flows.interface import InterfaceScreen
from flows.login import login
from tests.conftest import assert_no_secret


class WrongThenRight:
    """A person who mistypes the code once, then reads the SMS properly."""

    def __init__(self, outbox, identifier):
        self.outbox, self.identifier, self.asked = outbox, identifier, []

    def get(self, *, again: bool = False) -> str:
        self.asked.append(again)
        code = self.outbox.wait_for(self.identifier, timeout=5).code
        return code if again else f"{(int(code) + 1) % 10**6:06d}"


def test_login_reaches_interface_with_masked_screenshots(flow, sandbox, demo_account, tmp_path):
    codes = OutboxCodeSource(sandbox.outbox, demo_account.identifier, 10)
    screen = login(flow, sandbox.url, demo_account.identifier, demo_account.password, codes)
    assert isinstance(screen, InterfaceScreen)
    assert [p.name for p in flow.recorder.shots] == [
        "01-accueil.png", "02-identifiant.png", "03-code-demande.png", "04-code-saisi.png", "05-espace-affilie.png"]
    assert_no_secret([demo_account.password, sandbox.outbox.all()[-1].code], roots=(tmp_path,))


def test_a_mistyped_code_is_asked_again_once(flow, sandbox, demo_account):
    person = WrongThenRight(sandbox.outbox, demo_account.identifier)
    screen = login(flow, sandbox.url, demo_account.identifier, demo_account.password, person)
    assert isinstance(screen, InterfaceScreen)
    assert person.asked == [False, True]


def test_stops_one_short_of_the_portal_limit(flow, sandbox, demo_account, portal):
    class AlwaysWrong(WrongThenRight):
        def get(self, *, again=False):
            return super().get(again=False)

    with pytest.raises(CredentialsRejected, match="Code incorrect. Il vous reste 1 essai"):
        login(flow, sandbox.url, demo_account.identifier, demo_account.password,
              AlwaysWrong(sandbox.outbox, demo_account.identifier))
    assert portal.max_tries == 3  # two tries used, one left on the portal's side


def test_wrong_password_stops_at_once(flow, sandbox, demo_account):
    codes = OutboxCodeSource(sandbox.outbox, demo_account.identifier, 10)
    with pytest.raises(CredentialsRejected, match="mot de passe") as caught:
        login(flow, sandbox.url, demo_account.identifier, "Not-The-Password", codes)
    assert caught.value.exit_code == 5 and caught.value.screenshot.is_file()


def test_expired_code_ends_with_exit_3(flow, demo_account):
    now = [1_800_000_000.0]
    portal = Portal(clock=lambda: now[0])

    class SlowPerson:
        def get(self, *, again=False):
            now[0] += 600  # the person answers ten minutes later
            return portal.outbox.all()[-1].code

    with Sandbox(portal) as sandbox:
        with pytest.raises(CodeNotProvided, match="Le code a expiré") as caught:
            login(flow, sandbox.url, demo_account.identifier, demo_account.password, SlowPerson())
    assert caught.value.exit_code == 3


def test_prompt_source_drives_the_login(flow, sandbox, demo_account):
    class PipeAfterSms(io.StringIO):
        """stdin whose line appears once the SMS is out, like a person reading their phone."""

        def readline(self, *args):
            if not hasattr(self, "sent"):
                self.sent = True
                return "  " + sandbox.outbox.wait_for(demo_account.identifier, timeout=10).code + " \n"
            return ""

    out = io.StringIO()
    screen = login(flow, sandbox.url, demo_account.identifier, demo_account.password,
                   PromptCodeSource(PipeAfterSms(), out, wait=30))
    assert isinstance(screen, InterfaceScreen)
    assert "Code reçu par SMS (6 chiffres)" in out.getvalue()
