"""`damancom-bot login` against portals not written with this project, and how it fails."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.handover.dropbox import handover_dir, read_waiting
from tests.conftest import BIN, assert_no_secret
from tests.foreign_hurdles import IDENTIFIER, ForeignHurdlesPortal
from tests.foreign_hurdles import PASSWORD as HURDLES_PASSWORD
from tests.foreign_portal import PASSWORD, ForeignPortal
from tests.support.in_process import InProcessBot
from tests.support.terminal import login_waiting_for_code
from tests.support.waiting import wait_until


def start_login(tmp_path, cli_env, url: str, **extra: str) -> InProcessBot:
    """`damancom-bot login` in this process, its stdin a real pipe (the real process and its signals:
    the Ctrl-C and SIGHUP tests below)."""
    env = {**cli_env, "DAMANCOM_URL": url, "DAMANCOM_IDENTIFIER": "FOREIGN-1", "DAMANCOM_PASSWORD": PASSWORD, **extra}
    return InProcessBot(["login"], environ=env, cwd=tmp_path, interactive=True).start()


def hand_over_code(bot: InProcessBot, portal: ForeignPortal) -> str:
    """Plays the person: waits for the SMS, types the code into the pipe."""
    assert portal.code_sent.wait(60), "no SMS sent"
    code = portal.codes[-1]
    bot.type(code)
    return code


def test_login_through_a_foreign_portal_with_code_from_a_pipe(tmp_path, cli_env):
    with ForeignPortal() as portal:
        bot = start_login(tmp_path, cli_env, portal.url)
        code = hand_over_code(bot, portal)
        exit_code = bot.finish(timeout=120)
    out, err = bot.out, bot.err
    assert exit_code == 0, err
    # the foreign portal runs on this computer: never called the real Damancom
    assert "Connexion réussie au portail d'essai (bac à sable sur cet ordinateur, pas le vrai Damancom)" in out
    assert "Rapport       : " in out and "report.html" in out
    assert "Pharmacie du Test - n° d'affiliation 7777777" in out
    assert "10-2026 À déclarer · 09-2026 Déclarée" in out
    assert len(list((tmp_path / "recordings").rglob("*.png"))) >= 4
    assert_no_secret([PASSWORD, code], out, err, roots=(tmp_path / "recordings", tmp_path / "state"))


def test_timeout_while_filling_password_leaks_nothing(tmp_path, cli_env):
    """Playwright's timeout text quotes the value given to fill(): the scrubber must catch it."""
    with ForeignPortal(disabled_password=True) as portal:
        bot = start_login(tmp_path, cli_env, portal.url, DAMANCOM_TIMEOUT_ACTION="2")
        code = hand_over_code(bot, portal)
        exit_code = bot.finish(timeout=120)
    out, err = bot.out, bot.err
    assert exit_code == 6, err
    assert "Erreur : L'écran attendu" in err and "Capture d'écran :" in err
    log = (tmp_path / "state" / "logs" / "damancom-bot.log").read_text(encoding="utf-8")
    assert "Timeout 2000ms" in log or "Timeout 2000ms" in err
    assert_no_secret([PASSWORD, code], out, err, roots=(tmp_path / "recordings", tmp_path / "state"))


def login_in_process(run_cli, url: str, **extra: str):
    return run_cli(
        "login", env={"DAMANCOM_URL": url, "DAMANCOM_IDENTIFIER": "FOREIGN-1", "DAMANCOM_PASSWORD": PASSWORD, **extra}
    )


def test_wrong_identifier_is_exit_5(run_cli):
    with ForeignPortal() as portal:
        result = login_in_process(run_cli, portal.url, DAMANCOM_IDENTIFIER="NOBODY-9")
    assert result.returncode == 5, result.stderr
    assert "Utilisateur introuvable." in result.stderr and "le réglage « identifiant »" in result.stderr
    assert portal.codes == []


class _Unavailable(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = "<html><body><h1>Service momentanément indisponible</h1></body></html>".encode()
        self.send_response(503)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def unavailable_portal():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/fr/"
    server.shutdown()
    server.server_close()


FAST_RETRIES = {"DAMANCOM_RETRY_BACKOFF": "0.2"}


def test_portal_answering_503_is_exit_4_with_screenshot(tmp_path, run_cli, unavailable_portal):
    result = login_in_process(run_cli, unavailable_portal, **FAST_RETRIES)
    assert result.returncode == 4, result.stderr
    assert "erreur 503" in result.stderr and "Réessayez plus tard" in result.stderr
    assert list((tmp_path / "recordings").rglob("*portail-indisponible.png"))


def test_unreachable_portal_is_exit_4(run_cli):
    with socket.socket() as held:  # bound, never listening: connections are refused, and as long
        held.bind(("127.0.0.1", 0))  # as it is held no other test (another xdist worker) can listen there
        port = held.getsockname()[1]
        result = login_in_process(run_cli, f"http://127.0.0.1:{port}/fr/", **FAST_RETRIES)
    assert result.returncode == 4, result.stderr
    assert "ne répond pas" in result.stderr


def test_headless_login_on_a_foreign_portal_with_only_the_otp_command(tmp_path, cli_env):
    """The code typed in another terminal: `otp` is a real process (the one of this command), the
    login runs in this process with its input closed."""
    with ForeignPortal() as portal:
        env = {
            **cli_env,
            "DAMANCOM_URL": portal.url,
            "DAMANCOM_IDENTIFIER": "FOREIGN-1",
            "DAMANCOM_PASSWORD": PASSWORD,
            "DAMANCOM_LOCAL_PAGE": "0",
        }
        bot = InProcessBot(["login"], environ=env, cwd=tmp_path, input="").start()
        assert portal.code_sent.wait(60)
        folder = handover_dir(Path(cli_env["DAMANCOM_STATE_DIR"]), "FOREIGN-1")
        wait_until(lambda: (read_waiting(folder) or {}).get("phase") == "code")
        handed = subprocess.run(
            [str(BIN / "damancom-bot"), "otp", portal.codes[-1]],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=cli_env,
            timeout=60,
        )
        assert handed.returncode == 0, handed.stderr
        exit_code = bot.finish(timeout=120)
    assert exit_code == 0, bot.err
    assert "Pharmacie du Test" in bot.out


def test_a_code_handed_over_before_the_code_screen_shows_is_kept(tmp_path, cli_env):
    """The SMS often arrives before a slow portal shows the code screen: `otp` at once must work.
    The code screen is held until `otp` has ended (a fixed delay lost the race on a loaded PC)."""
    held = threading.Event()
    with ForeignHurdlesPortal(hold_code_screen=held) as portal:
        env = {
            **cli_env,
            "DAMANCOM_URL": portal.url,
            "DAMANCOM_IDENTIFIER": IDENTIFIER,
            "DAMANCOM_PASSWORD": HURDLES_PASSWORD,
            "DAMANCOM_LOCAL_PAGE": "0",
        }
        bot = InProcessBot(["login"], environ=env, cwd=tmp_path, input="").start()
        assert portal.code_sent.wait(60)
        handed = subprocess.run(
            [str(BIN / "damancom-bot"), "otp", portal.codes[-1]],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=cli_env,
            timeout=60,
        )
        screen_shown = "code-screen" in portal.journal
        held.set()
        exit_code = bot.finish(timeout=120)
    assert handed.returncode == 0, handed.stderr
    assert not screen_shown, "the code was handed over before the code screen was served"
    assert exit_code == 0, bot.err
    assert_no_secret(
        [HURDLES_PASSWORD, *portal.codes],
        bot.out,
        bot.err,
        handed.stdout,
        handed.stderr,
        roots=(tmp_path / "recordings", tmp_path / "state"),
    )


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="Ctrl-C to a process group is POSIX; Windows: see test_waiting")
def test_ctrl_c_while_waiting_for_the_code_ends_cleanly(tmp_path, cli_env, sandbox, demo_account):
    """Ctrl-C reaches the bot, its driver and Chrome (one process group, as in a terminal): a French
    message, exit 130, a closed trail with its report, and no English from Playwright or asyncio."""
    with login_waiting_for_code(tmp_path, cli_env, sandbox, demo_account, own_group=True) as process:
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Interrompu à votre demande" in err
    for noise in ("Future exception", "Traceback", "Exception", "Error", "driver"):
        assert noise not in err + out, noise
    manifest = next((tmp_path / "recordings").rglob("manifest.jsonl"))
    last = json.loads(manifest.read_text().splitlines()[-1])
    assert last["step"] == "fin" and last["exit_code"] == 130
    assert (manifest.parent / "report.html").exists()


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="SIGHUP is POSIX; Windows' SIGBREAK takes the same path")
def test_the_terminal_closing_still_closes_the_trail(tmp_path, cli_env, sandbox, demo_account):
    """A closing terminal sends SIGHUP (Windows: the console's close event, SIGBREAK): exit 130 and
    a last manifest line, as for Ctrl-C."""
    with login_waiting_for_code(tmp_path, cli_env, sandbox, demo_account) as process:
        process.send_signal(signal.SIGHUP)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Arrêt demandé (fenêtre fermée" in err and "Traceback" not in err
    last = json.loads(next((tmp_path / "recordings").rglob("manifest.jsonl")).read_text().splitlines()[-1])
    assert last["step"] == "fin" and last["exit_code"] == 130
