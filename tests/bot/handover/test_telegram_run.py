"""A run in-process (real Chromium, the sandbox, the Telegram stand-in): who is told what, when the
person says « stop » and when the portal is merely down."""

from __future__ import annotations

import threading

import pytest

from bot.audit.recorder import Recorder
from bot.env import Env
from bot.errors import PersonDeclined, PortalUnavailable
from bot.handover.build import build_handover
from bot.run.runner import run_login
from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults
from bot.settings.config import load_settings
from tests.support.telegram_api import ME, TOKEN


def settings_for(tmp_path, url, telegram):
    account = Portal().accounts["PHARMA-DEMO"]
    return load_settings(
        {
            "DAMANCOM_URL": url,
            "DAMANCOM_IDENTIFIER": account.identifier,
            "DAMANCOM_PASSWORD": account.password,
            "DAMANCOM_LOCAL_PAGE": "0",
            "DAMANCOM_STATE_DIR": str(tmp_path / "state"),
            "DAMANCOM_RETRIES": "1",
            "DAMANCOM_RECORDINGS": str(tmp_path / "recordings"),
            "DAMANCOM_TELEGRAM_TOKEN": TOKEN,
            "DAMANCOM_TELEGRAM_CHAT": str(ME),
            "DAMANCOM_TELEGRAM_API": telegram.url,
        },
        need_credentials=True,
    )


def login(settings, browser, unattended: bool):
    recorder = Recorder(settings.recordings, settings.account, "2026-10")
    person = build_handover(settings, Env(), recorder.run_id, terminal=False, unattended=unattended)
    return person, lambda: run_login(settings, person, recorder, headless=True, browser=browser)


def test_stop_ends_the_run_before_any_sms_and_nobody_is_told_twice(tmp_path, telegram, browser, sandbox):
    settings = settings_for(tmp_path, sandbox.url, telegram)
    person, run = login(settings, browser, unattended=True)

    def phone():
        telegram.wait_for_sent(lambda m: "Prêt à recevoir le SMS ?" in m.text)
        telegram.user_says(ME, "Stop")

    threading.Thread(target=phone, daemon=True).start()
    with pytest.raises(PersonDeclined) as declined:
        run()
    assert declined.value.reason == "stop" and sandbox.outbox.all() == []
    assert [m.text.split("\n")[0] for m in telegram.sent()] == [telegram.sent()[0].text.split("\n")[0]]
    assert "Arrêt : plus d'essai pour cette période" in telegram.sent()[0].text
    # the question (its apprise twin was not repeated in the chat), and no « échec » after the answer
    assert [title for title, _ in person.notifier.sent] == ["Damancom : prêt pour la connexion ?"]


@pytest.mark.parametrize("unattended, told", [(True, False), (False, True)])
def test_portal_merely_down_is_quiet_in_unattended_runs(tmp_path, telegram, browser, unattended, told):
    with Sandbox(Portal(), faults=Faults("unavailable")) as down:
        settings = settings_for(tmp_path, down.url, telegram)
        person, run = login(settings, browser, unattended=unattended)
        with pytest.raises(PortalUnavailable):
            run()
    failures = [m for m in telegram.sent() if m.text.startswith("Damancom : échec de la connexion (code 4)")]
    assert bool(failures) is told
    if told:  # the report goes with it: masked screenshots only, inside the recorder's report
        assert any(m.method == "sendDocument" and m.file_name == "report.html" for m in telegram.sent())
    else:
        assert telegram.sent() == [] and person.notifier.sent == []


def test_outcome_attachments_are_the_report_and_the_pdf_for_a_filing(tmp_path):
    from bot.run.runner import run_reports

    recorder = Recorder(tmp_path / "recordings", "PHARMA-DEMO", "2026-10")
    assert run_reports(recorder) == []  # no report written (yet): nothing to join
    for name in ("report.html", "report.pdf"):
        (recorder.folder / name).write_bytes(b"%PDF" if name.endswith("pdf") else b"<html></html>")
    assert [p.name for p in run_reports(recorder)] == ["report.html"]
    recorder.proof = True
    assert [p.name for p in run_reports(recorder)] == ["report.html", "report.pdf"]
