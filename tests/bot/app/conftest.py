"""The dashboard served in the test process, on a port chosen by the system, for one test."""

from __future__ import annotations

import pytest

from bot.app.dashboard import Dashboard
from bot.app.server import DashboardServer


@pytest.fixture
def app_environ(cli_env) -> dict[str, str]:
    return dict(cli_env)


@pytest.fixture
def dashboard(app_environ, tmp_path):
    board = Dashboard(app_environ, tmp_path)
    server = DashboardServer(board).start()
    try:
        yield server
    finally:
        board.jobs.stop_all()
        server.stop()
