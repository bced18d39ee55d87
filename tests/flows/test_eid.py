"""The e-ID screen: approved on the phone while the bot was still taking its picture."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError

from bot.audit.recorder import Recorder
from flows.engine.context import FlowContext
from flows.interface import InterfaceScreen
from flows.login import login_eid
from tests.support.people import TestPerson


class ApprovedDuringTheShot(Recorder):
    """The person approves the moment the QR screen is recognised; the page leaves for the space
    while the screenshot is under way, and the browser answers as it does then."""

    def __init__(self, folder, portal, page):
        super().__init__(folder, "PHARMA-DEMO", "2026-10", run_id="test")
        self.portal, self.page = portal, page

    def screenshot(self, page, step, *args, **kwargs):
        if step != "eid-code-qr":
            return super().screenshot(page, step, *args, **kwargs)
        assert self.portal.approve_eid("PHARMA-DEMO")
        page.wait_for_url("**/espace-affilie**")
        raise PlaywrightError(
            "Locator.evaluate_all: Execution context was destroyed, most likely because of a navigation."
        )


class Told(TestPerson):
    def __init__(self):
        self.told = []

    def eid_waiting(self, qr) -> None:
        self.told.append(qr)


def test_an_approval_during_the_qr_screenshot_reaches_the_space(tmp_path, page, portal, sandbox):
    recorder = ApprovedDuringTheShot(tmp_path / "recordings", portal, page)
    flow = FlowContext(page, recorder, action_timeout=5, navigation_timeout=10)
    person = Told()
    screen = login_eid(flow, sandbox.url, person, wait=10)
    assert isinstance(screen, InterfaceScreen)
    assert person.told == [None]  # told all the same: a page that reloaded would still want approval
