"""Shared fixtures: a fresh sandbox per test, one browser per session (pytest-playwright), CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from loguru import logger

from bot.audit.recorder import Recorder
from bot.handover.mailbox import Mailbox
from bot.handover.outbox import OutboxChannel
from bot.handover.session import HandOver
from bot.output import redact
from bot.run import browser as browsers
from bot.sandbox import Portal, Sandbox
from flows.engine import locate
from flows.engine.context import FlowContext
from tests.support.in_process import run_main
from tests.support.people import TestPerson

BIN = Path(sys.executable).parent

# A loaded machine (parallel workers, other people's browsers) may pause any example for seconds:
# Hypothesis's 200 ms deadline would then fail a correct test.
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")


pytest_plugins = [
    "tests.support.devtools",
    "tests.support.telegram_api",  # x_display, shared_chromium; telegram
    "tests.support.shape_table",
]  # the seeded shapes test's closing table


@pytest.fixture(autouse=True)
def fresh_process_state():
    """What the bot keeps per process starts empty for every test: secrets to mask, log sinks, the
    selector strategy that won last (another test's portal style would change which one is tried
    and reported first)."""
    redact.forget_all()
    locate.forget()
    yield
    logger.remove()
    redact.forget_all()


@pytest.fixture(autouse=True)
def isolated_keyring(tmp_path):
    """Every test gets its own keyring: keyrings.alt's plain-file backend in its tmp_path, opted in
    explicitly as the tests' own (`tests/support/keyrings.py`: the bot refuses a plain file
    otherwise), never the keyring of the person running the suite."""
    import keyring

    from tests.support.keyrings import TestsOnlyKeyring

    backend = TestsOnlyKeyring()
    backend.file_path = str(tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg")  # as cli_env's processes
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    """Use the bot's own discovery, so tests run where the bot runs (Debian chromium in CI); headless,
    its headless shell when installed (`tests/support/devtools.py: headless_shell`)."""
    choice = browsers.choose(None, managed_path=playwright.chromium.executable_path)
    args = {**browser_type_launch_args, "args": browsers.LAUNCH_ARGS}
    if choice.how == "channel":
        args["channel"] = choice.value
    elif choice.how == "executable":
        from tests.support.devtools import headless_shell  # a plugin module: imported once it is registered

        shell = headless_shell(choice) if args.get("headless", True) else None
        args["executable_path"] = shell or choice.value
    return args


@pytest.fixture
def portal() -> Portal:
    return Portal()


STYLES = ["classic", "spa"]  # every login, hand-over and fault test runs on both portal styles
TEST_SMS_DELAY = 0.3  # the spa's slow SMS step, short enough for a fast suite, long enough to be seen


@pytest.fixture
def style() -> str:
    """Overridden by `@pytest.mark.parametrize("style", STYLES)` where a test must hold for both."""
    return "classic"


@pytest.fixture
def sandbox(portal, style):
    with Sandbox(portal, style=style, sms_delay=TEST_SMS_DELAY) as running:
        yield running


@pytest.fixture
def spa_sandbox(portal):
    """The same portal in the single-page-app style, without the slow SMS step."""
    with Sandbox(portal, style="spa", sms_delay=0) as running:
        yield running


@pytest.fixture
def demo_account(portal):
    return portal.accounts["PHARMA-DEMO"]


@pytest.fixture
def recorder(tmp_path) -> Recorder:
    return Recorder(tmp_path / "recordings", "PHARMA-DEMO", "2026-10", run_id="test")


@pytest.fixture
def flow(page, recorder) -> FlowContext:
    """A page wired like a bot run, with short timeouts so a wrong screen fails fast."""
    return FlowContext(page, recorder, action_timeout=5, navigation_timeout=10)


def outbox_person(sandbox, identifier: str, code_wait: float = 30) -> HandOver:
    """The demo's person: the sandbox's phone hands the code over by itself. `code_wait` counts from
    the SMS, before the code screen is even recognised: 10 s ran out on a loaded machine (load 40)."""
    mailbox = Mailbox()
    return HandOver(
        mailbox,
        [OutboxChannel(mailbox, sandbox.outbox, identifier, code_wait)],
        account=identifier,
        code_wait=code_wait,
    )


class ScriptedPerson(TestPerson):
    """A person following a script: `codes(sms_code, again)` says what they type each time."""

    def __init__(self, outbox, identifier: str, codes):
        self.outbox, self.identifier, self.codes, self.asked = outbox, identifier, codes, []

    def code(self, screen, *, again: bool = False) -> str:
        self.asked.append(again)
        return self.codes(self.outbox.wait_for(self.identifier, timeout=5).code, again)


@pytest.fixture
def cli_env(tmp_path, shared_chromium) -> dict[str, str]:
    """Environment for a CLI run: its own state and recordings dirs, no stray .env, and the test
    process's shared Chromium (a test about finding or starting a browser sets its own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAMANCOM_")}
    env.update(
        DAMANCOM_STATE_DIR=str(tmp_path / "state"),
        DAMANCOM_RECORDINGS=str(tmp_path / "recordings"),
        DAMANCOM_BROWSER=shared_chromium,
        DAMANCOM_CONFIG_DIR=str(tmp_path / "config"),
    )  # never the developer's own settings
    # A bot process reads the same file as `isolated_keyring` (keyrings.alt puts it under XDG_DATA_HOME).
    from tests.support.keyrings import BACKEND

    env.update(PYTHON_KEYRING_BACKEND=BACKEND, XDG_DATA_HOME=str(tmp_path / "xdg"))
    return env


@pytest.fixture
def run_cli(tmp_path, cli_env):
    """`damancom-bot *args` in this process (`bot.cli.main`); `process=True` for a real process,
    kept for one test per command (the installed entry point, a fresh interpreter)."""

    def run(*args: str, input: str | None = None, env: dict | None = None, timeout: float = 120, process: bool = False):
        environ = {**cli_env, **(env or {})}
        if not process:
            return run_main(list(args), environ=environ, cwd=tmp_path, input=input)
        return subprocess.run(
            [str(BIN / "damancom-bot"), *args],
            input=input,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=environ,
            timeout=timeout,
        )

    return run


def files_under(*roots: Path):
    for root in roots:
        if root.exists():
            yield from (p for p in root.rglob("*") if p.is_file())


def assert_no_secret(secrets: list[str], *texts: str, roots: tuple[Path, ...] = ()) -> None:
    """No secret in the given texts, nor in any byte of any file under `roots`."""
    for secret in secrets:
        for text in texts:
            assert secret not in text
        for path in files_under(*roots):
            assert secret.encode() not in path.read_bytes(), f"{secret!r} found in {path}"


# The fast tier (`uv run pytest -m "not browser"`) is every test that starts no browser and no bot
# process. Tests are marked from the fixtures they use, so a new test lands in the right tier
# without anyone remembering a marker; tests that start a process by hand carry `pytestmark`.
BROWSER_FIXTURES = frozenset(
    {
        "playwright",
        "browser_type",
        "browser",
        "launch_browser",
        "context",
        "new_context",
        "page",
        "shared_chromium",
        "devtools_browser",
        "x_display",
        "cli_env",
        "run_cli",
        "flow",
    }
)


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject's addopts): the browser tests mostly wait on Chromium and bot processes,
    so three workers per core pay (measured in DEVELOPERS.md); the fast tier
    (`-m "not browser"`) is pure Python, where workers beyond two per core only cost their start."""
    cores = os.cpu_count() or 2
    if "not browser" in (config.option.markexpr or ""):
        return min(2 * cores, 4)
    return min(3 * cores, 8)  # each worker may hold a Chromium: memory, not cores, bounds it beyond
