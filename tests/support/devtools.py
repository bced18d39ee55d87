"""The bot's own browser with DevTools open on a free port, so a test can be the person's hands in a
visible window (under Xvfb)."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from bot.run import browser as browsers

# `xvfb-run -a` looks for a free display from :99 and two runs started together may pick the same
# one (the second fails): each test process (xdist worker) starts its search elsewhere.
XVFB = ["xvfb-run", "-a", "-n", str(100 + os.getpid() % 400 * 10)]


def devtools_browser(tmp_path: Path, playwright) -> tuple[Path, int]:
    """A launcher for DAMANCOM_BROWSER that opens DevTools on a free port: (launcher, port)."""
    if not shutil.which("xvfb-run"):
        pytest.fail("xvfb-run est nécessaire pour ce test (sudo apt-get install xvfb) ; .ci/run l'installe.")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    choice = browsers.choose(None, managed_path=playwright.chromium.executable_path)
    executable = choice.value if choice.how == "executable" else playwright.chromium.executable_path
    wrapper = tmp_path / "chromium-with-devtools"
    wrapper.write_text(f'#!/bin/sh\nexec "{executable}" --remote-debugging-port={port} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper, port
