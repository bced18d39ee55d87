"""A visible window for the bot (one Xvfb for the whole run) and the bot's own browser with DevTools
open on a free port, so a test can be the person's hands in that window."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from bot.run import browser as browsers
from tests.support.once import once_per_run, per_process


@pytest.fixture(scope="session")
def x_display(tmp_path_factory) -> str:
    """`DISPLAY` of an Xvfb server started once for the whole run (every xdist worker's headed tests
    open their windows on it). `-displayfd` lets the server pick a free display itself: `xvfb-run -a`
    per bot raced with other workers for the same one."""
    with once_per_run(tmp_path_factory, "xvfb", _start_xvfb, process=True) as display:
        yield display


def _start_xvfb(folder: Path) -> tuple[str, subprocess.Popen]:
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        pytest.fail("Xvfb est nécessaire pour ce test (sudo apt-get install xvfb) ; .ci/run l'installe.")
    read, write = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as announced:
        number = announced.readline().strip()  # written once the server accepts clients
    if not number:
        server.kill()
        pytest.fail(f"Xvfb s'est arrêté au démarrage (code {server.wait()}).")
    return f":{number}", server


def devtools_browser(tmp_path: Path, playwright) -> tuple[Path, int]:
    """A launcher for DAMANCOM_BROWSER that opens DevTools on a free port: (launcher, port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    choice = browsers.choose(None, managed_path=playwright.chromium.executable_path)
    executable = choice.value if choice.how == "executable" else playwright.chromium.executable_path
    wrapper = tmp_path / "chromium-with-devtools"
    wrapper.write_text(f'#!/bin/sh\nexec "{executable}" --remote-debugging-port={port} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, port


@pytest.fixture(scope="session")
def shared_chromium(request, tmp_path_factory) -> str:
    """One headless Chromium for each test process (each xdist worker), reached over DevTools
    (`DAMANCOM_BROWSER=http://…`): each bot run the tests start gets its own context in it instead of
    starting a browser (about a second of CPU each, on a machine where CPU is what the suite waits for).
    Not one for the whole run: every DevTools client of a browser is told of every page in it and
    Playwright sets each one up, so runs of different workers at once each paid for the others' pages
    (about 50 ms of CPU per page and other client, bench/README.md); a worker's runs mostly follow
    one another."""

    def start(profile: Path) -> tuple[str, subprocess.Popen]:
        return _start_chromium(request.getfixturevalue("playwright"), profile)

    with per_process(tmp_path_factory, "shared-chromium", start, process=True) as url:
        yield url


def _start_chromium(playwright, profile: Path) -> tuple[str, subprocess.Popen]:
    choice = browsers.choose(None, managed_path=playwright.chromium.executable_path)
    executable = choice.value if choice.how == "executable" else playwright.chromium.executable_path
    try:
        return chromium_over_devtools(headless_shell(choice) or executable, profile)
    except RuntimeError as exc:
        pytest.fail(f"Chromium partagé : {exc}")


# Debian's package of Chromium's headless build (`apt-get install chromium-headless-shell`)
DEBIAN_HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"


def headless_shell(choice: browsers.BrowserChoice) -> str | None:
    """Chromium's headless build beside the system Chromium the bot found, when it is installed:
    what Playwright itself runs for a headless launch of its own Chromium. Same engine, no browser
    window around each page: a context with a page, a navigation and three masked screenshots costs
    0.72 s of the browser's CPU instead of 1.16 s (bench/README.md). Headed tests keep the window."""
    if choice.how != "executable":
        return None  # Playwright's own Chromium: its launch already picks its headless shell
    found = shutil.which("chromium-headless-shell")
    for path in (DEBIAN_HEADLESS_SHELL, found):
        if path and os.access(path, os.X_OK):
            return path
    return None


def chromium_over_devtools(executable: str, profile: Path) -> tuple[str, subprocess.Popen]:
    """A headless Chromium listening for DevTools (its address, its process), as the bot reaches one
    with DAMANCOM_BROWSER=http://…; also bench/login_cpu.py's browser. `executable`: a Chromium
    (started in its new headless mode) or its headless shell (headless whatever it is told)."""
    shell = "headless-shell" in Path(executable).name
    process = subprocess.Popen(
        [
            executable,
            *([] if shell else ["--headless=new"]),
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--mute-audio",
            *browsers.LAUNCH_ARGS,
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    announced = profile / "DevToolsActivePort"  # written once DevTools listens: port, then path
    deadline = time.monotonic() + 60
    while not (announced.exists() and announced.read_text().strip()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"pas de port DevTools (code {process.poll()}).")
        time.sleep(0.05)  # a file Chromium writes: polling is the portable way
    return f"http://127.0.0.1:{announced.read_text().split()[0]}", process
