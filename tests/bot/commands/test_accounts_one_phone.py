"""Two employers whose codes reach one phone (`phone` in the accounts file): `login --all` asks
for one code at a time, the second account waits and says for whom (real bot process, sandbox)."""

from __future__ import annotations

import subprocess

from bot.handover import dropbox
from bot.handover.client import deliver
from bot.sandbox import Portal, Sandbox
from tests.conftest import BIN
from tests.support.accounts import sandbox_accounts, write_accounts_file
from tests.support.waiting import wait_until


def waiting_for_code(state, name: str) -> bool:
    return (dropbox.read_waiting(dropbox.handover_dir(state, name)) or {}).get("phase") == "code"


def test_login_all_two_accounts_one_phone_one_code_at_a_time(tmp_path, cli_env):
    one, two = sandbox_accounts(2)
    names = {one.identifier: "al-amal", two.identifier: "atlas"}
    with Sandbox(Portal([one, two]), sms_delay=0) as sandbox:
        write_accounts_file(
            tmp_path / "comptes.toml",
            sandbox.url,
            [("al-amal", one.identifier, one.password), ("atlas", two.identifier, two.password)],
            extra='phone = "06 12 34 56 78"',
        )
        env = {**cli_env, "DAMANCOM_LOCAL_PAGE": "0", "DAMANCOM_PARALLEL": "2", "DAMANCOM_CODE_WAIT": "240"}
        process = subprocess.Popen(
            [str(BIN / "damancom-bot"), "login", "--all"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        state, sms_when_handed = tmp_path / "state", []
        try:
            for _ in range(2):  # the person: one SMS, one code, then the next
                sms = wait_until(
                    lambda: next(
                        (s for s in sandbox.outbox.all() if names[s.identifier] not in [n for n, _ in sms_when_handed]),
                        None,
                    ),
                    timeout=240,
                )
                name = names[sms.identifier]
                wait_until(lambda: waiting_for_code(state, name), timeout=240)
                sms_when_handed.append((name, len(sandbox.outbox.all())))
                deliver(dropbox.handover_dir(state, name) / dropbox.CODE_FILE, {"code": sms.code})
            out, err = process.communicate(timeout=300)
        finally:
            process.kill() if process.poll() is None else None
    assert process.returncode == 0, out + err
    assert [count for _, count in sms_when_handed] == [1, 2]  # the second SMS only after the first code
    first, second = (name for name, _ in sms_when_handed)
    assert (
        f"[{second}] Compte {second} : le téléphone qui reçoit ses codes attend déjà le code du compte {first}" in out
    ), out
