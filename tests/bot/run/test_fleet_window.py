"""`login --all` on a portal that refuses invisible browsers (sandbox fault `refuse-headless`), the
real bot as a process: one driver, one visible browser for the accounts that need a window (under
Xvfb); an account remembered as needing one opens it at once; no screen possible: exit 10, what to do."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from bot.run.lockout import portal_key
from bot.run.window_memory import FILE, WindowMemory
from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import HEADLESS_MARK, Faults
from bot.settings.config import Settings
from tests.conftest import BIN
from tests.support.accounts import hand_codes, sandbox_accounts, write_accounts_file

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb: Linux only")]


def _login_all(tmp_path, cli_env, sandbox, people, **extra) -> subprocess.CompletedProcess:
    names = {p.identifier: f"officine-{i}" for i, p in enumerate(people, 1)}
    write_accounts_file(
        tmp_path / "comptes.toml", sandbox.url, [(names[p.identifier], p.identifier, p.password) for p in people]
    )
    hand_codes(sandbox.portal, tmp_path / "state", names)
    env = {
        **cli_env,
        "DAMANCOM_LOCAL_PAGE": "0",
        "DAMANCOM_PARALLEL": str(len(people)),
        "DAMANCOM_BROWSER": shutil.which("chromium") or "/usr/bin/chromium",
        **extra,
    }
    return subprocess.run(
        [str(BIN / "damancom-bot"), "login", "--all"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=400,
    )


def _key(sandbox, person) -> str:
    return portal_key(Settings(url=sandbox.url, identifier=person.identifier))


def test_login_all_opens_one_visible_browser_for_the_accounts_that_need_a_window(tmp_path, cli_env, x_display):
    people = sandbox_accounts(2)
    faults = Faults("refuse-headless")
    with Sandbox(Portal(people), faults=faults, sms_delay=0) as sandbox:
        WindowMemory(tmp_path / "state").remember(_key(sandbox, people[0]), "111")  # refused last month
        result = _login_all(tmp_path, cli_env, sandbox, people, DISPLAY=x_display)
        sent = {s.identifier for s in sandbox.portal.outbox.all()}
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "[officine-1] Le portail refuse les navigateurs invisibles (constaté le" in said  # a window at once
    assert "[officine-2] Le pare-feu du portail refuse les navigateurs invisibles" in said  # then a window
    assert "2 réussi(s), 0 en échec." in said
    assert [a for a in faults.agents if HEADLESS_MARK not in a]  # a visible browser reached the portal
    assert sent == {p.identifier for p in people}  # one SMS each
    memory = json.loads((tmp_path / "state" / FILE).read_text(encoding="utf-8"))
    assert set(memory) == {_key(sandbox, p) for p in people}  # officine-2 remembered for next month
    assert memory[_key(sandbox, people[0])]["reference"] == "111"  # officine-1 never tried invisible: never refused
    assert memory[_key(sandbox, people[1])]["reference"] in faults.refused


def test_login_all_without_a_screen_ends_exit_10_saying_what_to_do(tmp_path, cli_env):
    people = sandbox_accounts(1)
    faults = Faults("refuse-headless")
    no_xvfb = tmp_path / "bin"  # a PATH without Xvfb, and no DISPLAY: no window can open here
    no_xvfb.mkdir()
    with Sandbox(Portal(people), faults=faults, sms_delay=0) as sandbox:
        WindowMemory(tmp_path / "state").remember(_key(sandbox, people[0]), "111")
        environ = {k: v for k, v in cli_env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        result = _login_all(tmp_path, environ, sandbox, people, PATH=str(no_xvfb))
        assert sandbox.portal.outbox.all() == []  # refused before any SMS
    said = result.stdout + result.stderr
    assert result.returncode == 10, said
    assert "Xvfb" in said and "ne réessaiera pas seul" in said
    assert not [a for a in faults.agents if HEADLESS_MARK not in a]  # no window was opened
