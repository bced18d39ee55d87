"""After the final « Valider la déclaration » the bot never reports a failure without having looked
for the receipt: a receipt slower than every timeout, or an answer lost on the way, still ends
filed with its receipt (real Chromium, real sandbox, both styles)."""

from __future__ import annotations

import pytest

from bot.audit.manifest import read_records
from bot.audit.recorder import Recorder
from bot.ledger import ledger as L
from bot.run.filing_task import FilingTask
from bot.run.runner import run_login
from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults
from bot.schedule.plan import Plan
from bot.settings.config import load_settings
from tests.conftest import STYLES, TEST_SMS_DELAY, outbox_person
from tests.support.declaration_files import make_file

TIMEOUTS = {"DAMANCOM_TIMEOUT_NAVIGATION": "5", "DAMANCOM_TIMEOUT_ACTION": "5"}
SLOWER_THAN_EVERY_TIMEOUT = 8.0


class LosingTheAnswer:
    """The real browser, whose contexts lose the answer to the final « Valider » after the portal
    received it (a connection cut on the way back)."""

    def __init__(self, browser):
        self.browser = browser

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        context.route("**/valider", self._cut)
        return context

    @staticmethod
    def _cut(route):
        route.fetch(max_redirects=0)  # the portal records the filing
        route.abort("connectionreset")


def file_once(tmp_path, browser, portal: Portal, faults: Faults, style: str):
    account = portal.accounts["PHARMA-DEMO"]
    period = next(p for p, declared in portal.periods(account) if not declared)
    with Sandbox(portal, faults=faults, style=style, sms_delay=TEST_SMS_DELAY) as sandbox:
        settings = load_settings(
            {
                "DAMANCOM_URL": sandbox.url,
                "DAMANCOM_IDENTIFIER": account.identifier,
                "DAMANCOM_PASSWORD": account.password,
                "DAMANCOM_LOCAL_PAGE": "0",
                "DAMANCOM_STATE_DIR": str(tmp_path / "state"),
                "DAMANCOM_RECORDINGS": str(tmp_path / "recordings"),
                **TIMEOUTS,
            },
            need_credentials=True,
        )
        ledger = L.Ledger(settings.state_dir)
        task = FilingTask(make_file(tmp_path, account, period), period, ledger, Plan())
        recorder = Recorder(settings.recordings, settings.account, period)
        run_login(
            settings, outbox_person(sandbox, account.identifier), recorder, headless=True, browser=browser, task=task
        )
    reference = account.receipts[period].reference
    assert task.receipt == reference and ledger.receipt(account.identifier, period) == reference
    assert ledger.period(account.identifier, period).state == L.DONE
    assert portal.uploads == [(account.identifier, period)]  # filed once
    assert any(r["step"] == "accuse-de-reception" for r in read_records(recorder.folder))
    return recorder


@pytest.mark.parametrize("style", STYLES)
def test_a_receipt_slower_than_every_timeout_ends_filed_with_it(tmp_path, browser, style):
    file_once(tmp_path, browser, Portal(), Faults("slow-receipt", slow_seconds=SLOWER_THAN_EVERY_TIMEOUT), style)


@pytest.mark.parametrize("style", STYLES)
def test_an_answer_lost_after_the_final_click_is_looked_for_on_the_periods_page(tmp_path, browser, style):
    recorder = file_once(tmp_path, LosingTheAnswer(browser), Portal(), Faults(), style)
    steps = [r["step"] for r in read_records(recorder.folder)]
    assert steps.index("validation") < steps.index("accuse-de-reception")
