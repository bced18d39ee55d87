"""Each way of handing over the code, end to end: the test plays the person. The bot runs in this
process (`InProcessLogin`, its stdin a real pipe) except where the other terminal's `otp` must reach a
real process (`real=True`); the commands typed in another terminal are real processes."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest

from bot.run.lockout import LockoutGuard, portal_key
from tests.bot.commands.bot_process import BotProcess, InProcessLogin
from tests.conftest import STYLES, assert_no_secret
from tests.support.inbox import Inbox
from tests.support.waiting import sms_code, wait_until


@pytest.fixture
def login_env(cli_env, sandbox, demo_account):
    return {
        **cli_env,
        "DAMANCOM_URL": sandbox.url,
        "DAMANCOM_IDENTIFIER": demo_account.identifier,
        "DAMANCOM_PASSWORD": demo_account.password,
    }


@pytest.fixture
def start(tmp_path, login_env):
    started: list = []

    def run(*args: str, stdin=subprocess.DEVNULL, real: bool = False, **env: str):
        environ, argv = {**login_env, **env}, ["login", *args]
        if real:
            bot = BotProcess(tmp_path, environ, argv, stdin=stdin)
        else:
            bot = InProcessLogin(tmp_path, environ, argv, interactive=stdin == subprocess.PIPE)
        started.append(bot)
        return bot

    yield run
    for bot in started:
        bot.kill()


def artifacts(tmp_path):
    return (tmp_path / "recordings", tmp_path / "state")


def test_terminal_prompt_through_a_pipe(start, sandbox, demo_account, tmp_path):
    bot = start(stdin=subprocess.PIPE)
    code = sms_code(sandbox)
    bot.type("12 345")
    bot.type(code)
    assert bot.finish() == 0, bot.err
    assert "exactement 6 chiffres" in bot.out and "espace affilié atteint" in bot.out
    assert_no_secret([code, demo_account.password], bot.out, bot.err, roots=artifacts(tmp_path))


@pytest.mark.parametrize("style", STYLES)
def test_otp_command_from_another_terminal(style, start, sandbox, demo_account, tmp_path):
    bot = start(DAMANCOM_LOCAL_PAGE="0", real=True)  # stdin closed: `otp` is the only way left
    code = sms_code(sandbox)
    wait_until(lambda: (bot.waiting() or {}).get("phase") == "code")
    refused = bot.cli("otp", "12345")
    assert refused.returncode == 2 and "exactement 6 chiffres" in refused.stderr
    handed = bot.cli("otp", code[:3] + " " + code[3:])
    assert handed.returncode == 0, handed.stderr
    assert "Code remis à la connexion en cours du compte PHARMA-DEMO." in handed.stdout
    assert bot.finish() == 0, bot.err
    assert bot.waiting() is None  # the run withdrew: nothing waits, no code left behind
    after = bot.cli("otp", code)
    assert after.returncode == 2 and "Aucune connexion n'attend" in after.stderr
    assert_no_secret([code, demo_account.password], bot.out, bot.err, roots=artifacts(tmp_path))


def test_local_page_with_its_token(start, sandbox, demo_account, tmp_path):
    bot = start()
    code = sms_code(sandbox)
    url = wait_until(lambda: (bot.waiting() or {}).get("local_url"))
    parts = urllib.parse.urlsplit(url)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}/code/not-the-token", timeout=5)
    assert refused.value.code == 403
    html = urllib.request.urlopen(url, timeout=5).read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"_csrf": token, "action": "code", "code": code}).encode()
    assert "Code transmis au bot" in urllib.request.urlopen(url, data=data, timeout=5).read().decode()
    assert bot.finish() == 0, bot.err
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)  # closed once the code was used
    assert_no_secret([code, demo_account.password], bot.out, bot.err, roots=artifacts(tmp_path))


def test_notifications_say_how_to_answer_and_never_the_secrets(start, sandbox, demo_account, tmp_path):
    inbox = Inbox()
    threading.Thread(target=inbox.serve_forever, daemon=True).start()
    try:
        bot = start(DAMANCOM_NOTIFY=inbox.url)
        code = sms_code(sandbox)
        wait_until(lambda: inbox.received)
        assert bot.cli("otp", code).returncode == 0
        assert bot.finish() == 0, bot.err
        wait_until(lambda: len(inbox.received) >= 2)
    finally:
        inbox.shutdown()
        inbox.server_close()
    needed, done = inbox.received[0], inbox.received[-1]
    assert needed["title"] == "Damancom : code SMS envoyé"
    assert "damancom-bot otp CODE --account PHARMA-DEMO" in needed["message"]
    assert re.search(r"http://127\.0\.0\.1:\d+/code/\S+", needed["message"])
    assert done["title"] == "Damancom : connexion réussie"
    assert_no_secret([code, demo_account.password], json.dumps(inbox.received))


def test_code_wait_limit_is_exit_3(start, sandbox, tmp_path):
    bot = start(DAMANCOM_CODE_WAIT="2", DAMANCOM_LOCAL_PAGE="0")
    assert bot.finish() == 3, bot.err
    assert "Aucun code reçu dans le délai (2 s" in bot.err
    assert len(sandbox.outbox.all()) == 1


def test_unattended_run_sends_no_sms_without_ready(start, sandbox, tmp_path):
    bot = start("--unattended", DAMANCOM_READY_WAIT="2")
    assert bot.finish() == 3, bot.err
    assert "aucun SMS n'a été demandé" in bot.err
    assert sandbox.outbox.all() == []


def test_unattended_run_goes_on_after_ready(start, sandbox, demo_account, tmp_path):
    bot = start("--unattended", DAMANCOM_LOCAL_PAGE="0")
    wait_until(lambda: (bot.waiting() or {}).get("phase") == "ready")
    early = bot.cli("otp", "123456")
    assert early.returncode == 2 and "damancom-bot ready" in early.stderr  # no SMS yet: refused
    assert sandbox.outbox.all() == []
    ready = bot.cli("ready")
    assert ready.returncode == 0 and "Présence confirmée pour le compte PHARMA-DEMO" in ready.stdout
    code = sms_code(sandbox)
    wait_until(lambda: (bot.waiting() or {}).get("phase") == "code")
    assert bot.cli("otp", code).returncode == 0
    assert bot.finish() == 0, bot.err


@pytest.mark.parametrize("style", STYLES)
def test_resend_is_used_at_most_once(start, sandbox, demo_account, style):
    bot = start(stdin=subprocess.PIPE, DAMANCOM_LOCAL_PAGE="0")
    sms_code(sandbox)
    bot.type("r")
    second = sms_code(sandbox, after=1)
    bot.type("r")
    wait_until(lambda: "déjà été renvoyé une fois" in bot.output_so_far())  # the second « r » is refused
    bot.type(second)
    assert bot.finish() == 0, bot.err
    assert len(sandbox.outbox.all()) == 2


def test_lockout_guard_stops_after_two_refusals(start, sandbox, tmp_path, run_cli, login_env):
    """Two runs (refused, then allowed after unlock) and the refused-at-once run between them."""
    key = portal_key(SimpleNamespace(url=sandbox.url, identifier="PHARMA-DEMO", account="PHARMA-DEMO"))
    LockoutGuard(tmp_path / "state").rejected(key)  # the first refusal, left by an earlier run
    bot = start(stdin=subprocess.PIPE, DAMANCOM_PASSWORD="Wrong-Password-1")
    bot.type(sms_code(sandbox))
    assert bot.finish() == 5, bot.err
    assert "2e refus consécutif" in bot.err
    sent = len(sandbox.outbox.all())
    locked = run_cli("login", env={**login_env, "DAMANCOM_PASSWORD": "Wrong-Password-1"})
    assert locked.returncode == 5, locked.stderr
    assert (
        "Connexions suspendues pour le compte PHARMA-DEMO" in locked.stderr and "damancom-bot unlock" in locked.stderr
    )
    assert "par SMS" not in locked.stdout  # no SMS announced for an account that gets none
    assert len(sandbox.outbox.all()) == sent  # refused before any SMS
    unlock = run_cli("unlock", "--account", "PHARMA-DEMO", env=login_env)
    assert unlock.returncode == 0 and "débloqué (2 refus effacés)" in unlock.stdout
    again = start(stdin=subprocess.PIPE)
    again.type(sms_code(sandbox, after=sent))
    assert again.finish() == 0, again.err


def test_two_refused_codes_that_suspend_the_account_say_one_thing_to_do(sandbox, tmp_path, run_cli, login_env):
    """In-process: the codes typed ahead in the pipe are read once the code screen shows."""
    key = portal_key(SimpleNamespace(url=sandbox.url, identifier="PHARMA-DEMO", account="PHARMA-DEMO"))
    LockoutGuard(tmp_path / "state").rejected(key)  # a refusal left by an earlier run
    result = run_cli("login", input="111111\n222222\n", env={**login_env, "DAMANCOM_LOCAL_PAGE": "0"})
    assert result.returncode == 5, result.stderr
    assert "Le portail a refusé le code" in result.stderr and "2e refus consécutif" in result.stderr
    assert "damancom-bot unlock --account PHARMA-DEMO" in result.stderr
    assert "elancez la connexion" not in result.stderr  # not « relaunch » and « will not connect » at once
    assert "DAMANCOM_PASSWORD" not in result.stderr and "mot de passe" not in result.stderr  # a code, not a password
