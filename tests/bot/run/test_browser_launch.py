"""What a browser launched by the bot runs: no address-bar pages in the windows nobody types in (their
renderers cost about 0.8 s of CPU per context, bench/login_cpu.py), and Playwright's own disabled
features kept although the bot gives its own list (Chromium reads only the last one)."""

from __future__ import annotations

import psutil
import pytest

from bot.run import browser as browsers
from bot.sandbox import Sandbox


def _browser_process(browser) -> psutil.Process:
    """The browser's main process, as the browser itself names it (counting this process's new
    Chromium processes miscounted when another test's browser was still closing)."""
    session = browser.new_browser_cdp_session()
    processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    session.detach()
    return psutil.Process(next(p["id"] for p in processes if p["type"] == "browser"))


@pytest.fixture
def launched(playwright):
    """The bot's own launch (`browsers.launch`), and its browser process."""
    browser = browsers.launch(playwright, browsers.find(playwright, None), headless=True)
    yield browser, _browser_process(browser)
    browser.close()


def _browser_ui(browser) -> list[str]:
    session = browser.new_browser_cdp_session()
    targets = session.send("Target.getTargets", {"filter": [{}]})["targetInfos"]
    return [target["url"] for target in targets if target["type"] == "browser_ui"]


def test_a_new_context_opens_no_address_bar_pages(launched, portal):
    browser, _ = launched
    with Sandbox(portal) as sandbox:
        context = browser.new_context()
        try:
            context.new_page().goto(sandbox.url)
            assert _browser_ui(browser) == []
        finally:
            context.close()


def test_playwright_keeps_its_own_disabled_features(launched):
    _, process = launched
    lists = [arg.split("=", 1)[1].split(",") for arg in process.cmdline() if arg.startswith("--disable-features=")]
    effective = set(lists[-1])
    assert set(browsers.LEAN_DISABLED_FEATURES) <= effective
    lost = set().union(*lists[:-1]) - effective
    assert not lost, (
        f"Playwright disables {sorted(lost)} too: add them to PLAYWRIGHT_DISABLED_FEATURES "
        "(bot/run/browser.py), or the bot's list replaces Playwright's"
    )
