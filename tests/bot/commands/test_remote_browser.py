"""`login` and `declare` with the browser on « another machine »: a real Playwright server started
by the test (the system Chromium through `playwright launch-server`), DAMANCOM_BROWSER=ws://…. What a
run writes stays on the bot's computer: screenshots, report, ledger, the receipt. `login --all` goes
through one connection; a portal refusing invisible browsers ends exit 10, saying what to do. One
server for the module (each run only connects and disconnects); `login` and `declare` run in this
process (`InProcessLogin`), `login --all` too (`run_cli`)."""

from __future__ import annotations

import pytest

from bot.audit.verify import verify
from bot.ledger import ledger as L
from bot.run import browser as browsers
from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import HEADLESS_MARK, Faults
from tests.bot.commands.bot_process import InProcessLogin
from tests.support.accounts import hand_codes, sandbox_accounts, write_accounts_file
from tests.support.declaration_files import make_file
from tests.support.playwright_server import PlaywrightServer


@pytest.fixture(scope="module")
def server(tmp_path_factory, playwright):
    choice = browsers.choose(None, managed_path=playwright.chromium.executable_path)
    executable = choice.value if choice.how == "executable" else playwright.chromium.executable_path
    running = PlaywrightServer(tmp_path_factory.mktemp("playwright-server"), executable)
    yield running
    running.stop()


def run_bot(tmp_path, cli_env, sandbox, account, endpoint, *args) -> InProcessLogin:
    bot = InProcessLogin(
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
        interactive=True,
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


def test_login_all_shares_one_connection_to_the_playwright_server(tmp_path, run_cli, server):
    people = sandbox_accounts(3)
    names = {p.identifier: f"client-{i}" for i, p in enumerate(people, 1)}
    with Sandbox(Portal(people), sms_delay=0) as sandbox:
        write_accounts_file(
            tmp_path / "comptes.toml", sandbox.url, [(names[p.identifier], p.identifier, p.password) for p in people]
        )
        hand_codes(sandbox.portal, tmp_path / "state", names)
        env = {"DAMANCOM_LOCAL_PAGE": "0", "DAMANCOM_PARALLEL": "3", "DAMANCOM_BROWSER": server.endpoint()}
        result = run_cli("login", "--all", env=env)  # the real `login --all` process: test_accounts_all.py
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 réussi(s), 0 en échec." in result.stdout
    for name in names.values():
        assert f"[{name}] Connexion réussie" in result.stdout
        assert list((tmp_path / "recordings" / name).rglob("*.png"))  # the screenshots are written here
    assert server.process.poll() is None


def test_a_refused_invisible_browser_on_a_playwright_server_ends_exit_10_saying_what_to_do(tmp_path, cli_env, server):
    portal, faults = Portal(), Faults("refuse-headless")
    account = portal.accounts["PHARMA-DEMO"]
    with Sandbox(portal, faults=faults, sms_delay=0) as sandbox:
        bot = run_bot(tmp_path, cli_env, sandbox, account, server.endpoint(), "login")
        code = bot.finish()
        assert portal.outbox.all() == []  # refused before any SMS
    assert code == 10, bot.out + bot.err
    said = " ".join((bot.out + bot.err).split())
    assert "serveur Playwright sur une autre machine" in said and "sur votre écran" in said  # what it cannot do
    assert "sans fenêtre (connexion, dépôt" in said  # what it can
    assert "retirez DAMANCOM_BROWSER" in said and "ne réessaiera pas seul" in said  # what to do
    assert not [a for a in faults.agents if HEADLESS_MARK not in a]  # no window was tried there
