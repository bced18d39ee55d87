"""A browser that breaks off is not a portal that changed: exit 9, never exit 6; and a failed
screenshot gets a second try."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Error as PlaywrightError

from bot.audit.manifest import read_records
from bot.audit.recorder import Recorder
from bot.errors import BrowserFailed
from bot.exit_codes import ExitCode
from bot.output.playwright_fr import browser_failed, in_french
from bot.run.runner import run_login
from bot.sandbox import Portal
from bot.settings.config import load_settings
from tests.conftest import outbox_person


def test_errors_of_a_closed_page_read_as_browser_failures(browser):
    context = browser.new_context()
    page = context.new_page()
    with pytest.raises(PlaywrightError) as timeout:
        page.locator("#absent").click(timeout=50)
    assert not browser_failed(timeout.value) and in_french(timeout.value) == "délai de 0 s dépassé"
    context.close()
    with pytest.raises(PlaywrightError) as closed:
        page.screenshot()
    assert browser_failed(closed.value)
    assert "navigateur" in in_french(closed.value)


def test_a_browser_gone_mid_run_is_exit_9_with_a_closed_trail(tmp_path, browser, sandbox):
    account = Portal().accounts["PHARMA-DEMO"]
    settings = load_settings(
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
    recorder = Recorder(settings.recordings, settings.account, "2026-10")

    def crash(interface, summary, ctx, person, settings):
        ctx.page.context.close()  # what a crashed or killed browser looks like from here
        return summary

    with pytest.raises(BrowserFailed) as failed:
        run_login(
            settings, outbox_person(sandbox, account.identifier), recorder, headless=True, browser=browser, task=crash
        )
    assert failed.value.exit_code == ExitCode.BROWSER_FAILED == 9
    assert "ce n'est pas le portail" in failed.value.message and "Target" not in failed.value.message
    last = read_records(recorder.folder)[-1]
    assert last["step"] == "fin" and last["exit_code"] == 9


def test_a_screenshot_failing_once_is_taken_again(tmp_path, page):
    page.set_content("<h1>Accueil</h1>")
    recorder = Recorder(tmp_path, "PHARMA-DEMO", "2026-10", run_id="shot")
    real, calls = page.screenshot, []

    def flaky(**kwargs):  # the real call, failing once as Chromium did under Xvfb
        calls.append(kwargs)
        if len(calls) == 1:
            raise PlaywrightError("Protocol error (Page.captureScreenshot): Unable to capture screenshot")
        return real(**kwargs)

    page.screenshot = flaky
    path = recorder.screenshot(page, "accueil")
    assert len(calls) == 2 and path.exists()
    assert [r["step"] for r in read_records(recorder.folder)] == ["debut", "accueil"]


@pytest.mark.skipif(os.name != "posix", reason="a POSIX socket path limit")
def test_a_browser_that_stops_at_its_start_is_said_as_such(tmp_path, cli_env, run_cli):
    """Chromium aborts when its temporary folder's path is too long for a socket: the browser was
    found, so never « Aucun navigateur compatible n'a été trouvé »."""
    from bot.run.browser import SYSTEM_CHROMIUM

    chromium = next((path for path in SYSTEM_CHROMIUM if os.path.exists(path)), None)
    if chromium is None:
        pytest.skip("no system Chromium")
    deep = tmp_path / ("t" * 120)
    deep.mkdir()
    result = run_cli("doctor", env={"DAMANCOM_BROWSER": chromium, "TMPDIR": str(deep)}, process=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "a été trouvé mais n'a pas pu démarrer" in result.stdout
    assert "le chemin du dossier temporaire est trop long" in result.stdout
    assert "Aucun navigateur compatible" not in result.stdout + result.stderr
