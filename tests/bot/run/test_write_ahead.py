"""The run writes « an SMS may go out » on the scheduler's attempt before the click that sends the
identifier; when that cannot be written, the click is not made (real Chromium, real sandbox)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.audit.recorder import Recorder
from bot.errors import ConfigError
from bot.ledger import ledger as L
from bot.run.runner import run_login
from bot.settings.config import load_settings
from bot.system.clock import TZ
from tests.conftest import STYLES, outbox_person


def settings_for(tmp_path, sandbox, account):
    return load_settings(
        {
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": account.identifier,
            "DAMANCOM_PASSWORD": account.password,
            "DAMANCOM_LOCAL_PAGE": "0",
            "DAMANCOM_STATE_DIR": str(tmp_path / "state"),
            "DAMANCOM_RECORDINGS": str(tmp_path / "recordings"),
        },
        need_credentials=True,
    )


@pytest.mark.parametrize("style", STYLES)
def test_the_attempt_knows_the_sms_step_before_the_click_and_when_it_ended(
    tmp_path, browser, sandbox, demo_account, style
):
    settings = settings_for(tmp_path, sandbox, demo_account)
    ledger = L.Ledger(settings.state_dir)
    now = datetime.now(TZ)
    ledger.ensure(demo_account.identifier, "2026-10", now, now, now)
    attempt = ledger.begin(demo_account.identifier, "2026-10", now)  # what the scheduler does first
    seen = []

    def at_the_click():  # the moment the identifier goes out: the mark is already there
        seen.append((ledger.attempts(demo_account.identifier, "2026-10")[0].stage, len(sandbox.outbox.all())))

    sandbox.portal.outbox.listeners.append(lambda sms: at_the_click())
    run_login(
        settings,
        outbox_person(sandbox, demo_account.identifier),
        Recorder(settings.recordings, settings.account, "2026-10"),
        headless=True,
        browser=browser,
    )
    assert seen and seen[0][0] == L.SMS_POSSIBLE
    row = ledger.attempts(demo_account.identifier, "2026-10")[0]
    assert row.id == attempt and row.stage == L.CODE_STEP_DONE  # the code was taken: that SMS was used


def test_no_identifier_is_sent_when_the_mark_cannot_be_written(tmp_path, browser, sandbox, demo_account):
    settings = settings_for(tmp_path, sandbox, demo_account)
    settings.state_dir.mkdir(parents=True)
    (settings.state_dir / L.FILE).write_bytes(b"pas une base SQLite" * 100)  # a damaged ledger
    with pytest.raises(ConfigError) as refused:
        run_login(
            settings,
            outbox_person(sandbox, demo_account.identifier),
            Recorder(settings.recordings, settings.account, "2026-10"),
            headless=True,
            browser=browser,
        )
    assert "registre" in refused.value.message and refused.value.exit_code == 2
    assert sandbox.outbox.all() == []  # no SMS spent
