"""`login` and `declare` with the browser on « another machine »: a real Playwright server started
by the test (the system Chromium through `playwright launch-server`), DAMANCOM_BROWSER=ws://…. What a
run writes stays on the bot's computer: screenshots, report, ledger, the receipt."""

from __future__ import annotations

import subprocess

import pytest

from bot.audit.verify import verify
from bot.ledger import ledger as L
from bot.run import browser as browsers
from tests.bot.commands.bot_process import BotProcess
from tests.support.declaration_files import make_file
from tests.support.playwright_server import PlaywrightServer


@pytest.fixture
def server(tmp_path, playwright):
    choice = browsers.choose(None, managed_path=playwright.chromium.executable_path)
    executable = choice.value if choice.how == "executable" else playwright.chromium.executable_path
    running = PlaywrightServer(tmp_path, executable)
    yield running
    running.stop()


def run_bot(tmp_path, cli_env, sandbox, account, endpoint, *args) -> BotProcess:
    bot = BotProcess(
        tmp_path,
        {
            **cli_env,
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": account.identifier,
            "DAMANCOM_PASSWORD": account.password,
            "DAMANCOM_LOCAL_PAGE": "0",
            "DAMANCOM_BROWSER": endpoint,
        },
        list(args),
        stdin=subprocess.PIPE,
    )
    sandbox.portal.outbox.listeners.append(lambda sms: bot.type(sms.code))
    return bot


def test_login_then_declare_through_a_playwright_server(tmp_path, cli_env, sandbox, portal, demo_account, server):
    endpoint = server.endpoint()
    login = run_bot(tmp_path, cli_env, sandbox, demo_account, endpoint, "login")
    assert login.finish() == 0, login.out + login.err
    assert "espace affilié atteint" in login.out, login.out
    due = next(p for p, declared in portal.periods(demo_account) if not declared)
    path = make_file(tmp_path, demo_account, due)
    declare = run_bot(
        tmp_path,
        cli_env,
        sandbox,
        demo_account,
        endpoint,
        "declare",
        "--period",
        due,
        "--file",
        str(path),
        "--sans-confirmation",
    )
    assert declare.finish() == 0, declare.out + declare.err
    assert portal.uploads == [(demo_account.identifier, due)]  # the file went up through the remote browser
    receipt = demo_account.receipts[due].reference
    assert L.Ledger(tmp_path / "state").receipt(demo_account.identifier, due) == receipt
    folders = sorted(p.parent for p in (tmp_path / "recordings").rglob("manifest.jsonl"))
    assert len(folders) == 2 and all(verify(f) == [] for f in folders)
    filed = next(f for f in folders if (f / "report.pdf").exists())  # printed there, written here
    assert (filed / "report.pdf").read_bytes().startswith(b"%PDF") and list(filed.glob("*.png"))
    assert server.process.poll() is None  # the server outlives the runs: they only disconnected
