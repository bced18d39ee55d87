"""Browser discovery order, with a fake file system (the launch itself is tested by every flow test)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bot.errors import BrowserNotFound, ConfigError
from bot.run.browser import BrowserChoice, choose

MANAGED = "/home/u/.cache/ms-playwright/chromium-1/chrome-linux/chrome"
WIN_ENV = {"PROGRAMFILES": r"C:\Program Files", "PROGRAMFILES(X86)": r"C:\Program Files (x86)"}


def pick(present: set[str], override=None, platform="linux", environ=None, which=None):
    return choose(
        override,
        managed_path=MANAGED,
        platform=platform,
        environ=environ or {},
        exists=lambda p: p in present,
        which=lambda name: (which or {}).get(name),
    )


def test_playwright_chromium_comes_first():
    assert pick({MANAGED, "/opt/google/chrome/chrome", "/usr/bin/chromium"}) == BrowserChoice("managed")


def test_then_installed_chrome_then_edge():
    assert pick({"/opt/google/chrome/chrome", "/opt/microsoft/msedge/msedge"}) == BrowserChoice("channel", "chrome")
    assert pick({"/opt/microsoft/msedge/msedge", "/usr/bin/chromium"}) == BrowserChoice("channel", "msedge")


def test_windows_edge_is_found_in_program_files():
    edge = str(Path(r"C:\Program Files (x86)", "Microsoft", "Edge", "Application", "msedge.exe"))
    assert pick({edge}, platform="win32", environ=WIN_ENV) == BrowserChoice("channel", "msedge")


def test_then_system_chromium():
    assert pick({"/usr/bin/chromium"}) == BrowserChoice("executable", "/usr/bin/chromium")
    assert pick(set(), which={"chromium-browser": "/usr/local/bin/chromium-browser"}) == BrowserChoice(
        "executable", "/usr/local/bin/chromium-browser"
    )


def test_override_wins_whatever_is_installed():
    everything = {MANAGED, "/usr/bin/chromium", "/opt/my/chrome"}
    assert pick(everything, "msedge") == BrowserChoice("channel", "msedge")
    assert pick(everything, "/opt/my/chrome") == BrowserChoice("executable", "/opt/my/chrome")
    assert pick(everything, "ws://127.0.0.1:3000/pw") == BrowserChoice("remote", "ws://127.0.0.1:3000/pw")


def test_bad_override_names_the_variable():
    with pytest.raises(ConfigError, match="DAMANCOM_BROWSER"):
        pick(set(), "/nowhere/chrome")


def test_nothing_found_says_what_to_install():
    with pytest.raises(BrowserNotFound) as caught:
        pick(set())
    assert caught.value.exit_code == 2
    for hint in ("Google Chrome", "Microsoft Edge", "playwright install chromium", "apt-get install chromium"):
        assert hint in caught.value.message
    assert f'« "{sys.executable}" -m playwright install chromium »' in caught.value.message
    assert "uv run" not in caught.value.message  # `uv run` works only inside the project's folder


def test_the_install_hint_works_from_any_folder(tmp_path):
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "playwright", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
    )
    assert done.returncode == 0 and "Version" in done.stdout, done.stderr
