"""Can a visible window be opened here (Windows/macOS desktop, Linux DISPLAY, or an Xvfb of the run's
own), the person's own Chrome/Edge, and the per-account memory of portals refusing headless browsers."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from bot.run.browser import BrowserChoice, no_window_reason, own_browser, window_screen
from bot.run.window_memory import WindowMemory


def test_a_remote_browser_cannot_open_a_window():
    for how in ("remote", "devtools"):
        assert "DAMANCOM_BROWSER" in no_window_reason(how, platform="win32", environ={})


def test_windows_and_a_linux_display_can_and_a_bare_linux_without_xvfb_cannot():
    assert no_window_reason("managed", platform="win32", environ={}) is None
    assert no_window_reason("channel", platform="linux", environ={"DISPLAY": ":0"}, which=lambda n: None) is None
    assert no_window_reason("channel", platform="linux", environ={}, which=lambda n: "/usr/bin/Xvfb") is None
    reason = no_window_reason("channel", platform="linux", environ={}, which=lambda n: None)
    assert "Xvfb" in reason and "DISPLAY" in reason


def test_the_window_opens_in_the_persons_own_chrome_or_edge():
    managed = BrowserChoice("managed")
    assert own_browser(
        managed, platform="linux", environ={}, exists=lambda p: p == "/opt/microsoft/msedge/msedge"
    ) == BrowserChoice("channel", "msedge")
    assert own_browser(managed, platform="linux", environ={}, exists=lambda p: False) == managed
    chosen = BrowserChoice("executable", "/usr/bin/chromium")
    assert own_browser(chosen, exists=lambda p: True) == chosen  # a browser the person chose stays


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("Xvfb"), reason="Xvfb: Linux")
def test_without_a_screen_an_xvfb_is_started_for_the_run_and_stopped_after():
    with window_screen(environ={"PATH": "/usr/bin:/bin"}) as env:
        display = env["DISPLAY"]
        assert (
            subprocess.run(["xdpyinfo", "-display", display], capture_output=True).returncode == 0
            if shutil.which("xdpyinfo")
            else display.startswith(":")
        )
    with window_screen(environ={"DISPLAY": ":7"}) as env:
        assert env is None  # the session's own screen


def test_the_memory_is_per_portal_key_and_survives_a_damaged_file(tmp_path):
    memory = WindowMemory(tmp_path)
    assert memory.noted("A@https://x") is None
    memory.remember("A@https://x", "123456")
    assert memory.noted("A@https://x") and memory.noted("B@https://x") is None
    assert memory.forget("A@https://x") and memory.noted("A@https://x") is None
    memory.path.write_text("{pas du json", encoding="utf-8")
    assert memory.noted("A@https://x") is None  # costs one refused try, never a wrong outcome
