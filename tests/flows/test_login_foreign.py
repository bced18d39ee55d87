"""The login flow against portals written independently of the sandbox and of the bot: a
single-page app with a cookie veil and « Mon compte », and a classic portal with hurdles."""

from __future__ import annotations

import threading

import pytest

from bot.audit.manifest import read_records
from bot.errors import (
    CredentialsRejected,
    PortalRefused,
    PortalUnavailable,
    ScreenDidNotReact,
    UnexpectedPage,
)
from bot.handover.mailbox import Mailbox
from bot.handover.session import HandOver
from bot.handover.webpage import LocalPageChannel
from flows.engine.retry import RetryPolicy
from flows.interface import InterfaceScreen
from flows.login import login, logout
from tests import foreign_hurdles, foreign_spa
from tests.conftest import assert_no_secret
from tests.support.local_page import csrf, fetch
from tests.support.people import CodeFrom
from tests.support.tiny_portal import TinyPortal


def test_single_page_portal_with_cookie_veil_and_mon_compte(flow, tmp_path):
    with foreign_spa.ForeignSpaPortal(sms_delay=0.5) as portal:
        person = CodeFrom(portal, wrong_first=True)
        screen = login(flow, portal.url, foreign_spa.IDENTIFIER, foreign_spa.PASSWORD, person)
        assert isinstance(screen, InterfaceScreen)
        assert person.asked == [False, True]  # « Code ou mot de passe incorrect » asked for a new code
        assert portal.failures == 1 and portal.logged_in
        summary = screen.summary()
        assert summary.state_of("2026-10") == "to_declare" and summary.state_of("2026-09") == "declared"
        assert logout(flow, screen) and portal.logged_out
    assert flow.recorder.shots
    assert_no_secret([foreign_spa.PASSWORD, *portal.codes], roots=(tmp_path,))


def test_manifest_records_the_closed_banner_and_the_entry_followed(flow):
    with foreign_spa.ForeignSpaPortal(sms_delay=0) as portal:
        login(flow, portal.url, foreign_spa.IDENTIFIER, foreign_spa.PASSWORD, CodeFrom(portal))
    records = read_records(flow.recorder.folder)
    closed = [r for r in records if r["step"] == "annonce-fermee"]
    assert closed and "cookies" in closed[0]["overlay"] and closed[0]["button"] in ("Refuser", "Accepter")
    assert [r["via"] for r in records if r["step"] == "entree"] == ["Mon compte"]


def test_classic_portal_with_modal_and_one_box_per_digit(flow, tmp_path):
    with foreign_hurdles.ForeignHurdlesPortal(modal=True, split_code=True) as portal:
        screen = login(flow, portal.url, foreign_hurdles.IDENTIFIER, foreign_hurdles.PASSWORD, CodeFrom(portal))
        assert isinstance(screen, InterfaceScreen) and portal.logged_in == 1
    assert any(r["step"] == "annonce-fermee" for r in read_records(flow.recorder.folder))
    assert_no_secret([foreign_hurdles.PASSWORD, *portal.codes], roots=(tmp_path,))


def test_wrong_code_message_in_unlisted_markup_asks_for_a_new_code(flow):
    with foreign_hurdles.ForeignHurdlesPortal() as portal:
        person = CodeFrom(portal, wrong_first=True)
        login(flow, portal.url, foreign_hurdles.IDENTIFIER, foreign_hurdles.PASSWORD, person)
    assert person.asked == [False, True] and portal.failures == 1


def test_wrong_password_named_alone_is_blamed_at_once(flow):
    with foreign_hurdles.ForeignHurdlesPortal() as portal:
        with pytest.raises(CredentialsRejected, match="mot de passe") as caught:
            login(flow, portal.url, foreign_hurdles.IDENTIFIER, "Pas-le-bon", CodeFrom(portal))
    assert portal.failures == 1 and "DAMANCOM_PASSWORD" in caught.value.message


@pytest.mark.parametrize("flag", ["forbidden", "reset"])
def test_a_portal_refusing_the_connection_is_said_as_such(flow, flag):
    with foreign_hurdles.ForeignHurdlesPortal(**{flag: True}) as portal:
        with pytest.raises(PortalRefused) as caught:
            login(
                flow,
                portal.url,
                foreign_hurdles.IDENTIFIER,
                foreign_hurdles.PASSWORD,
                CodeFrom(portal),
                retry=RetryPolicy(attempts=1),
            )
    assert "refuse" in caught.value.message and "étranger" in caught.value.message
    assert "surchargé" not in caught.value.message
    assert caught.value.exit_code == 4 and caught.value.screenshot is not None


def test_an_unknown_extra_screen_is_exit_6_with_evidence(flow):
    with foreign_hurdles.ForeignHurdlesPortal(profile_step=True) as portal:
        with pytest.raises(UnexpectedPage) as caught:
            login(flow, portal.url, foreign_hurdles.IDENTIFIER, foreign_hurdles.PASSWORD, CodeFrom(portal))
    assert caught.value.exit_code == 6 and caught.value.screenshot.is_file()
    assert list(flow.recorder.folder.glob("*.html")), "the page's HTML kept as evidence"
    assert portal.codes == []  # no SMS on a path the bot does not know


DEAD_BUTTON = """<!doctype html><html lang="fr"><body><h1>Damancom</h1>
<button onclick="void 0">S'authentifier avec OTP</button></body></html>"""
HANGING_BUTTON = """<!doctype html><html lang="fr"><body><h1>Damancom</h1>
<button onclick="fetch('/api/hang')">S'authentifier avec OTP</button></body></html>"""


def test_a_button_that_does_nothing_is_exit_6_not_load(flow):
    flow.action_timeout = 2
    with TinyPortal(DEAD_BUTTON) as portal:
        with pytest.raises(ScreenDidNotReact) as caught:
            login(flow, portal.url, "X", "Y", CodeFrom(portal))
    assert caught.value.exit_code == 6 and "n'a pas réagi" in caught.value.message
    assert caught.value.screenshot.is_file()


def test_a_request_left_unanswered_is_load_with_its_evidence(flow):
    flow.navigation_timeout = 3
    with TinyPortal(HANGING_BUTTON) as portal:
        with pytest.raises(PortalUnavailable) as caught:
            login(flow, portal.url, "X", "Y", CodeFrom(portal), retry=RetryPolicy(attempts=1))
    assert caught.value.exit_code == 4 and "requête toujours en attente : GET" in caught.value.message
    assert "/api/hang (depuis" in caught.value.message


class PersonAtThePage(threading.Thread):
    """Plays the person on the local page (real HTTP): answers the question shown there by
    reading it off the portal, then types the SMS code."""

    def __init__(self, page: LocalPageChannel, portal, wrong_answers: int = 0):
        super().__init__(daemon=True)
        self.page, self.portal, self.wrong_answers, self.seen_pictures = page, portal, wrong_answers, 0

    def run(self) -> None:
        done = set()
        while self.page.phase != "" or not done:
            try:
                status, html = fetch(self.page.url)
            except OSError:  # a loaded machine answered late: look again
                continue
            if self.page.phase == "question" and "Envoyer la réponse" in html and self.page.picture not in done:
                done.add(self.page.picture)
                self.seen_pictures += "data:image/png;base64," in html
                answer = "ZZZZ" if self.wrong_answers > 0 else self.portal.captcha_answer
                self.wrong_answers -= 1
                fetch(self.page.url, {"_csrf": csrf(html), "action": "answer", "reponse": answer})
            elif self.page.phase == "code" and self.portal.code_sent.wait(0.2) and "Envoyer le code" in html:
                fetch(self.page.url, {"_csrf": csrf(html), "action": "code", "code": self.portal.codes[-1]})
                return
            self.page.changed.wait(0.2)
            self.page.changed.clear()


def test_a_captcha_is_handed_to_the_person_with_its_screenshot(flow, tmp_path):
    mailbox = Mailbox()
    local = LocalPageChannel(mailbox, "FOREIGN-1")
    person = HandOver(mailbox, [local], account="FOREIGN-1", code_wait=120, local_url=local.url)
    with foreign_hurdles.ForeignHurdlesPortal(captcha=True) as portal:
        helper = PersonAtThePage(local, portal, wrong_answers=1)
        helper.start()
        try:
            screen = login(flow, portal.url, foreign_hurdles.IDENTIFIER, foreign_hurdles.PASSWORD, person)
        finally:
            person.close()
        helper.join(10)
    assert isinstance(screen, InterfaceScreen) and portal.logged_in == 1
    assert helper.seen_pictures == 2  # the wrong answer brought a new question, with its screenshot
    assert len(portal.codes) == 1  # no SMS until the captcha was answered right
    assert len(list(flow.recorder.folder.glob("*question-portail.png"))) == 2
    assert_no_secret([foreign_hurdles.PASSWORD, *portal.codes], roots=(tmp_path,))


CAPTION_AND_DEAD_BUTTON = """<!doctype html><html lang="fr"><body><h1>Damancom</h1><div id="app">
<button id="otp">S'authentifier avec OTP</button></div><script>
document.getElementById('otp').onclick = () => { document.getElementById('app').innerHTML =
  '<div>Rechercher</div><input type="text" id="q">' +
  '<div class="legende">Identifiant</div><input type="text" id="u"><button disabled>Continuer</button>'; };
</script></body></html>"""


def test_a_field_found_by_its_caption_and_a_button_that_never_enables(flow):
    flow.action_timeout = 2
    with TinyPortal(CAPTION_AND_DEAD_BUTTON) as portal:
        with pytest.raises(UnexpectedPage) as caught:
            login(flow, portal.url, "PHARMA-7731", "Y", CodeFrom(portal))
        typed = flow.page.evaluate("() => [document.getElementById('q').value, document.getElementById('u').value]")
    assert typed == ["", "PHARMA-7731"]  # the field under its caption « Identifiant », not the other one
    assert "resté désactivé" in caught.value.message and caught.value.exit_code == 6
