"""One Playwright driver for many threads (bot/run/driver.py): each thread's calls run on the
driver's own thread, side by side; one Node.js driver in all; a driver that dies fails the calls
waiting for it instead of leaving them waiting forever."""

from __future__ import annotations

import threading

import psutil
import pytest
from playwright.sync_api import Error as PlaywrightError

from bot.run import browser as browsers
from bot.run.driver import SharedDriver

pytestmark = pytest.mark.browser

PAGE = "<a id=a download='releve-{i}.txt' href='data:text/plain,{i}'>relevé</a><p>compte {i}</p>"


def _drivers() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True) if "node" in p.name().lower()}


def _launch(driver: SharedDriver):
    choice = browsers.find(driver.playwright, None)
    return browsers.launch(driver.playwright, choice, headless=True)


def test_many_threads_share_one_driver_each_with_its_own_context():
    before = _drivers()
    with SharedDriver() as driver:
        started = _drivers() - before
        browser = driver.call(_launch, driver)
        results, handlers_ran_on = {}, set()

        def account(i: int) -> None:
            context = browser.new_context()
            page = context.new_page()
            page.on("console", lambda message: handlers_ran_on.add(threading.current_thread().name))
            page.set_content(PAGE.format(i=i))
            page.evaluate("console.log('bonjour')")
            with page.expect_download() as info:  # a block that waits for an event, from this thread
                page.locator("#a").click()
            results[i] = (page.locator("p").inner_text(), info.value.suggested_filename, context.pages == [page])
            context.close()

        threads = [threading.Thread(target=account, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        browser.close()
    assert len(started) == 1  # one Node.js driver for the four threads
    assert results == {i: (f"compte {i}", f"releve-{i}.txt", True) for i in range(4)}
    assert handlers_ran_on == {"pilote-playwright"}  # Playwright's events stay on the driver's thread


def test_a_driver_that_dies_fails_the_calls_waiting_for_it():
    before = _drivers()
    with SharedDriver() as driver:
        (node,) = _drivers() - before
        browser = driver.call(_launch, driver)
        page = browser.new_page()
        failed = []

        def waits() -> None:
            try:
                page.wait_for_timeout(120_000)
            except PlaywrightError as exc:
                failed.append(exc)

        thread = threading.Thread(target=waits)
        thread.start()
        psutil.Process(node).kill()
        thread.join(timeout=60)
        assert not thread.is_alive() and failed  # failed, not left waiting
        with pytest.raises(PlaywrightError):
            page.title()  # later calls too


def test_closing_the_driver_fails_the_calls_still_waiting():
    driver = SharedDriver().__enter__()
    page = driver.call(_launch, driver).new_page()
    failed = []

    def waits() -> None:
        try:
            page.wait_for_timeout(120_000)
        except PlaywrightError as exc:
            failed.append(exc)

    thread = threading.Thread(target=waits)
    thread.start()
    driver.close()  # e.g. Ctrl-C while an account's run waits for its page
    thread.join(timeout=60)
    assert not thread.is_alive() and failed
