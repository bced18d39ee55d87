"""Leak scan: after a success and a failure, no file anywhere under the recordings and state dirs
(text, image metadata, zip members, logs, reports, HTML evidence) holds the password or a code."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from PIL import Image

from bot.sandbox import Portal, Sandbox
from bot.sandbox.state import Account
from tests.bot.commands.bot_process import BotProcess
from tests.conftest import files_under
from tests.support.waiting import sms_code

PASSWORD = "Zx9-Leak-Canary-Pw-4417"


def forms(secret: str) -> list[bytes]:
    """The ways a secret could be written: raw, form-encoded, JSON-escaped, UTF-16."""
    return sorted(
        {secret.encode(), quote_plus(secret).encode(), json.dumps(secret)[1:-1].encode(), secret.encode("utf-16-le")}
    )


def scan(roots: tuple[Path, ...], secrets: list[str]) -> list[str]:
    found = []
    for path in files_under(*roots):
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs += [archive.read(name) for name in archive.namelist()]
        if path.suffix == ".png":
            blobs += [str(v).encode() for v in Image.open(path).info.values()]
        for secret in secrets:
            if any(form in blob for form in forms(secret) for blob in blobs):
                found.append(f"{secret!r} in {path}")
    return found


@pytest.fixture
def canary_sandbox():
    account = Account("CANARY-1", PASSWORD, "0611223344", "Pharmacie Canari", "5550001")
    with Sandbox(Portal([account])) as running:
        yield running


def run_login(tmp_path, cli_env, sandbox, typed, **env) -> tuple[BotProcess, list[str]]:
    """Types `typed(code, attempt)` at the prompt for each SMS attempt; returns the process and all codes."""
    before = len(sandbox.outbox.all())
    bot = BotProcess(
        tmp_path,
        {
            **cli_env,
            "DAMANCOM_URL": sandbox.url,
            "DAMANCOM_IDENTIFIER": "CANARY-1",
            "DAMANCOM_PASSWORD": PASSWORD,
            "DAMANCOM_TRACE": "1",
            **env,
        },
        ["login"],
        stdin=subprocess.PIPE,
    )
    code = sms_code(sandbox, after=before)
    secrets = [code]
    for attempt in range(2):
        answer = typed(code, attempt)
        secrets.append(answer)
        bot.type(answer)
        if answer == code:
            break
    return bot, secrets


def test_success_and_failure_leave_no_secret(tmp_path, cli_env, canary_sandbox):
    ok, ok_codes = run_login(tmp_path, cli_env, canary_sandbox, lambda code, attempt: code)
    assert ok.finish() == 0, ok.err
    wrong = lambda code, attempt: f"{(int(code) + 1 + attempt) % 10**6:06d}"  # noqa: E731
    failed, failed_codes = run_login(tmp_path, cli_env, canary_sandbox, wrong)
    assert failed.finish() == 5, failed.err
    assert failed.cli("report", "--last", "--pdf").returncode == 0  # a login keeps no PDF: print one to scan it

    roots = (tmp_path / "recordings", tmp_path / "state")
    produced = {p.suffix for p in files_under(*roots)}
    assert {".png", ".jsonl", ".html", ".pdf", ".zip", ".txt", ".log"} <= produced  # every kind was scanned
    secrets = [PASSWORD, *ok_codes, *failed_codes]
    assert scan(roots, secrets) == []
    for text in (ok.out, ok.err, failed.out, failed.err):
        assert not any(secret in text for secret in secrets)


ACCENTED = "Zx9-Léak-Cänary-€-4418"  # only readable if the .env's encoding is understood


# PowerShell's UTF-16 only: once read, a Notepad-ANSI (cp1252) password takes the same path, and its
# reading is tests/bot/settings/test_env_file.py's (every encoding, a real process on a cp1252 file);
# UTF-16 is also a form `scan` looks for, so a raw copy of the file would show.
@pytest.mark.parametrize("encoding", ["utf-16"])
def test_non_utf8_env_timestamp_and_page_dedup_leave_no_secret(tmp_path, cli_env, encoding, tsa):
    """The red-team's new cases: the password in a PowerShell (UTF-16) .env, a timestamped run, the
    same wrong code given twice on the local page (one try), then the right one."""
    import re
    import urllib.parse
    import urllib.request

    from tests.support.waiting import wait_until

    account = Account("CANARY-2", ACCENTED, "0611223355", "Pharmacie Canari", "5550002")
    with Sandbox(Portal([account])) as sandbox:
        (tmp_path / ".env").write_bytes(
            f"DAMANCOM_IDENTIFIER=CANARY-2\nDAMANCOM_PASSWORD={ACCENTED}\n".encode(encoding)
        )
        env = {**cli_env, "DAMANCOM_URL": sandbox.url, "DAMANCOM_TRACE": "1", "DAMANCOM_TSA_URL": tsa.url}
        bot = BotProcess(tmp_path, env, ["login", "--unattended"])
        try:
            folder = Path(env["DAMANCOM_STATE_DIR"]) / "handover" / "CANARY-2"
            page = wait_until(
                lambda: (
                    json.loads((folder / "waiting.json").read_text()) if (folder / "waiting.json").exists() else {}
                ).get("local_url")
            )

            def post(data):
                html = urllib.request.urlopen(page, timeout=10).read().decode()
                token = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
                body = urllib.parse.urlencode({"_csrf": token, **data}).encode()
                try:
                    return urllib.request.urlopen(urllib.request.Request(page, data=body), timeout=10).read().decode()
                except urllib.error.HTTPError as exc:
                    return exc.read().decode()

            post({"action": "ready"})
            code = sms_code(sandbox)
            wrong = f"{(int(code) + 1) % 10**6:06d}"
            wait_until(lambda: 'name="code"' in urllib.request.urlopen(page, timeout=10).read().decode())
            post({"action": "code", "code": wrong})
            wait_until(
                lambda: 'name="code"' in urllib.request.urlopen(page, timeout=10).read().decode()
            )  # refused, reopened
            assert "déjà été transmis" in post({"action": "code", "code": wrong})  # a reload: not a second try
            post({"action": "code", "code": code})
            assert bot.finish() == 0, bot.err
        finally:
            bot.kill()
    roots = (tmp_path / "recordings", tmp_path / "state")
    assert list((tmp_path / "recordings").rglob("manifest.tsr")) and list((tmp_path / "recordings").rglob("trace.zip"))
    assert scan(roots, [ACCENTED, code, wrong]) == []
    assert all(s not in bot.out + bot.err for s in (ACCENTED, code, wrong))
