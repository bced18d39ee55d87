"""`damancom-bot learn` as a real process in a visible window (Xvfb): the test's hands walk a portal
with an extra profile screen over DevTools; the command writes what it learned."""

from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path

import pytest
import yaml

from bot import browser as browsers
from tests.bot.commands.bot_process import BotProcess
from tests.bot.commands.test_handover_ways import wait_until
from tests.conftest import assert_no_secret
from tests.flows.test_learn import walk_by_hand
from tests import foreign_hurdles

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Xvfb: Linux only")


def test_learn_writes_selector_files_from_the_persons_walk(tmp_path, cli_env, playwright):
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
    with foreign_hurdles.ForeignHurdlesPortal(profile_step=True) as portal:
        bot = BotProcess(tmp_path, {**cli_env, "DAMANCOM_BROWSER": str(wrapper)}, ["learn", "--url", portal.url],
                         prefix=["xvfb-run", "-a"])
        try:
            wait_until(lambda: "Faites la connexion vous-même" in bot.output_so_far(), timeout=60)
            browser = wait_until(lambda: _connect(playwright, port), timeout=30)
            page = wait_until(lambda: next((p for c in browser.contexts for p in c.pages if "accueil" in p.url), None))
            page.get_by_role("link", name="S'authentifier avec OTP").wait_for()  # opened by the bot
            walk_by_hand(page, portal, open_first=False)
            code = bot.finish(timeout=120)
            browser.close()
        finally:
            bot.kill()
    assert code == 0, bot.err
    learned = Path(cli_env["DAMANCOM_STATE_DIR"]) / "selecteurs-appris"
    assert "Appris :" in bot.out and "2 étape(s) supplémentaire(s)" in bot.out
    steps = yaml.safe_load((learned / "etapes-apprises.yaml").read_text(encoding="utf-8"))["after_otp_choice"]
    assert [s["click"][0]["name"] for s in steps] == ["Employeur", "Continuer"]
    assert_no_secret([foreign_hurdles.PASSWORD, *portal.codes], bot.out, bot.err,
                     roots=(learned, tmp_path / "recordings"))


def _connect(playwright, port):
    try:
        return playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
    except Exception:  # noqa: BLE001 - not listening yet
        return None
