"""A real Playwright browser server, as one runs on another machine or in a container:
`playwright launch-server --browser chromium --config cfg.json` with the system Chromium. The bot
reaches it with DAMANCOM_BROWSER=ws://…; the test owns the server process and stops it."""

from __future__ import annotations

import json
import re
import subprocess
import threading
from pathlib import Path

import pytest

from bot.run import browser as browsers
from tests.support.waiting import wait_until

_ENDPOINT = re.compile(r"ws://[^\s]+/[0-9a-f]+")


class PlaywrightServer:
    def __init__(self, folder: Path, executable: str):
        from playwright._impl._driver import compute_driver_executable

        config = folder / "playwright-server.json"
        config.write_text(
            json.dumps(
                {"executablePath": executable, "headless": True, "host": "127.0.0.1", "args": browsers.LAUNCH_ARGS}
            ),
            encoding="utf-8",
        )
        node, cli = compute_driver_executable()
        # The driver itself (not `python -m playwright`): its process tree is the server's.
        self.process = subprocess.Popen(
            [node, cli, "launch-server", "--browser", "chromium", "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.said = b""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while chunk := self.process.stdout.read1(4096):
            self.said += chunk

    def endpoint(self) -> str:
        """The ws:// address it prints once its browser is up."""
        try:
            wait_until(
                lambda: _ENDPOINT.search(self.said.decode("utf-8", "replace")) or self.process.poll() is not None,
                timeout=120,
            )
        except AssertionError:
            pass
        found = _ENDPOINT.search(self.said.decode("utf-8", "replace"))
        if not found:
            self.stop()
            pytest.fail(f"Serveur Playwright : pas d'adresse ws:// annoncée ({self.said[-500:]!r}).")
        return found.group()

    def stop(self) -> None:
        """The server and the browser it started (by pid: on Windows, terminating node would leave it)."""
        from bot.system.processes import kill_tree

        kill_tree(self.process.pid, wait=20)
        self.process.wait(timeout=10)
