"""Three employers on the sandbox at once: `login --all`, codes per account, one refusal, lockout."""

from __future__ import annotations

import json
import subprocess
import threading

from bot.handover import dropbox
from bot.handover.client import deliver
from bot.run.lockout import FILE as LOCKOUT_FILE
from bot.sandbox import Portal, Sandbox
from tests.conftest import BIN, assert_no_secret
from tests.support.accounts import sandbox_accounts, write_accounts_file
from tests.support.waiting import wait_until


def waiting_accounts(state) -> set[str]:
    root = state / "handover"
    return (
        {
            str((dropbox.read_waiting(d) or {}).get("account"))
            for d in root.glob("*")
            if (dropbox.read_waiting(d) or {}).get("phase") == "code"
        }
        if root.is_dir()
        else set()
    )


def code_for(sandbox, identifier: str) -> str:
    return wait_until(
        lambda: next((s.code for s in reversed(sandbox.outbox.all()) if s.identifier == identifier), None), timeout=240
    )


class Phone:
    """The person: each account's SMS code dropped for that account's run (as `otp --account` does)."""

    def __init__(self, sandbox, state, names: dict[str, str]):  # identifier -> account name
        self.sandbox, self.state, self.names, self.stop, self.done = sandbox, state, names, threading.Event(), set()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def _serve(self) -> None:
        while not self.stop.is_set():
            for sms in self.sandbox.outbox.all():
                name = self.names.get(sms.identifier)
                if name and name not in self.done and name in waiting_accounts(self.state):
                    deliver(dropbox.handover_dir(self.state, name) / dropbox.CODE_FILE, {"code": sms.code})
                    self.done.add(name)
            self.stop.wait(0.05)


def test_login_all_three_accounts_codes_by_otp_account_one_refused(tmp_path, cli_env, run_cli):
    one, two, three = sandbox_accounts(3)
    with Sandbox(Portal([one, two, three]), sms_delay=0) as sandbox:
        write_accounts_file(
            tmp_path / "comptes.toml",
            sandbox.url,
            [
                ("al-amal", one.identifier, one.password),  # password in the file
                ("atlas", two.identifier, None),  # password in the keyring
                ("erreur", three.identifier, "Pas-Le-Bon-Mot-De-Passe"),
            ],
        )  # refused by the portal
        stored = run_cli("secret", "set", "atlas", input=two.password + "\n")
        assert stored.returncode == 0, stored.stderr
        env = {**cli_env, "DAMANCOM_LOCAL_PAGE": "0", "DAMANCOM_PARALLEL": "3", "DAMANCOM_CODE_WAIT": "240"}
        process = subprocess.Popen(
            [str(BIN / "damancom-bot"), "login", "--all"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        try:
            state = tmp_path / "state"
            wait_until(lambda: waiting_accounts(state) == {"al-amal", "atlas", "erreur"}, timeout=240)
            guess = run_cli("otp", "123456")
            assert guess.returncode == 2
            assert all(name in guess.stderr for name in ("al-amal", "atlas", "erreur")) and "--account" in guess.stderr
            handed = {}
            for name, account in (("al-amal", one), ("atlas", two), ("erreur", three)):
                handed[name] = code_for(sandbox, account.identifier)
                given = run_cli("otp", handed[name], "--account", name)
                assert given.returncode == 0, given.stderr
            out, err = process.communicate(timeout=300)
        finally:
            process.kill() if process.poll() is None else None
    assert process.returncode == 5, out + err  # the worst account's: a refusal
    assert "[al-amal] Connexion réussie" in out and "[atlas] Connexion réussie" in out
    assert "Officine n°1" in out and "Officine n°2" in out
    summary = out[out.index("Résumé :") :]
    assert "2 réussi(s), 1 en échec." in summary and "erreur" in summary and "Refus du portail" in summary
    lockout = json.loads((tmp_path / "state" / LOCKOUT_FILE).read_text())
    assert list(lockout.values()) == [1] and three.identifier in next(iter(lockout))  # counted for that account only
    for name in ("al-amal", "atlas", "erreur"):
        assert list((tmp_path / "recordings" / name).rglob("manifest.jsonl")), name  # audit per account
    secrets = [one.password, two.password, "Pas-Le-Bon-Mot-De-Passe", *handed.values()]
    assert_no_secret(secrets, out, err, roots=(tmp_path / "recordings", tmp_path / "state"))


def test_a_locked_out_account_is_skipped_the_others_log_in(tmp_path, run_cli):
    one, two, three = sandbox_accounts(3)
    with Sandbox(Portal([one, two, three]), sms_delay=0) as sandbox:
        write_accounts_file(
            tmp_path / "comptes.toml",
            sandbox.url,
            [
                ("un", one.identifier, one.password),
                ("deux", two.identifier, two.password),
                ("trois", three.identifier, three.password),
            ],
        )
        host = sandbox.url.split("/fr/")[0]
        state = tmp_path / "state"
        state.mkdir()
        (state / LOCKOUT_FILE).write_text(json.dumps({f"{three.identifier}@{host}": 2}))
        with Phone(sandbox, state, {one.identifier: "un", two.identifier: "deux"}):
            result = run_cli(
                "login",
                "--all",
                env={"DAMANCOM_LOCAL_PAGE": "0", "DAMANCOM_PARALLEL": "2", "DAMANCOM_CODE_WAIT": "240"},
            )
        assert {s.identifier for s in sandbox.outbox.all()} == {one.identifier, two.identifier}  # none for « trois »
    assert result.returncode == 5, result.stdout + result.stderr
    assert "[trois] Erreur : Connexions suspendues pour le compte trois" in result.stdout
    assert "[un] Connexion réussie" in result.stdout and "[deux] Connexion réussie" in result.stdout
    assert_no_secret(
        [one.password, two.password, three.password],
        result.stdout,
        result.stderr,
        roots=(tmp_path / "recordings", tmp_path / "state"),
    )


def test_each_account_code_comes_from_its_own_telegram_chat(tmp_path, run_cli):
    from tests.support.telegram_api import TOKEN, TelegramStandIn

    accounts = sandbox_accounts(3)
    chats = {"alpha": 1001, "beta": 1002, "gamma": 1003}
    telegram = TelegramStandIn().start()
    try:
        with Sandbox(Portal(accounts), sms_delay=0) as sandbox:
            path = tmp_path / "comptes.toml"
            write_accounts_file(path, sandbox.url, [(n, a.identifier, a.password) for n, a in zip(chats, accounts)])
            text = path.read_text(encoding="utf-8")
            for name, chat in chats.items():  # each account's person: its own chat
                text = text.replace(f"[accounts.{name}]\n", f'[accounts.{name}]\ntelegram_chat = "{chat}"\n')
            path.write_text(text, encoding="utf-8")
            handed: dict[str, str] = {}

            def phones() -> None:
                for (name, chat), account in zip(chats.items(), accounts):
                    telegram.wait_for_sent(
                        lambda m, chat=chat: m.chat_id == chat and "Code envoyé" in m.text, timeout=240
                    )
                    handed[name] = code_for(sandbox, account.identifier)
                    telegram.user_says(chat, handed[name])

            helper = threading.Thread(target=phones, daemon=True)
            helper.start()
            result = run_cli(
                "login",
                "--all",
                env={
                    "DAMANCOM_LOCAL_PAGE": "0",
                    "DAMANCOM_PARALLEL": "3",
                    "DAMANCOM_TELEGRAM_TOKEN": TOKEN,
                    "DAMANCOM_CODE_WAIT": "240",
                    "DAMANCOM_TELEGRAM_CHAT": "999",
                    "DAMANCOM_TELEGRAM_API": telegram.url,
                },
            )
            helper.join(timeout=5)
    finally:
        telegram.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 réussi(s), 0 en échec." in result.stdout
    for name, chat in chats.items():  # each chat heard of its own account only
        texts = " ".join(m.text for m in telegram.sent(chat))
        assert f"pour le compte {name} " in texts  # its outcome, in its own chat
        assert not any(other in texts for other in chats if other != name)
    assert telegram.sent(999) == []  # the general chat was not asked: each account has its own
    assert_no_secret(
        [a.password for a in accounts] + list(handed.values()),
        result.stdout,
        result.stderr,
        roots=(tmp_path / "recordings", tmp_path / "state"),
    )


def test_declare_all_files_each_accounts_waiting_file(tmp_path, run_cli):
    from bot.run.filing_task import inbox
    from tests.support.declaration_files import make_file

    portal = Portal(sandbox_accounts(2))
    first, second = portal.accounts.values()
    period = next(p for p, declared in portal.periods(first) if not declared)
    state = tmp_path / "state"
    for name, account in (("un", first), ("deux", second)):
        folder = inbox(state, name, period)
        folder.mkdir(parents=True)
        make_file(folder, account, period)
    with Sandbox(portal, sms_delay=0) as sandbox:
        write_accounts_file(
            tmp_path / "comptes.toml",
            sandbox.url,
            [("un", first.identifier, first.password), ("deux", second.identifier, second.password)],
        )
        with Phone(sandbox, state, {first.identifier: "un", second.identifier: "deux"}):
            result = run_cli(
                "declare", "--all", "--period", period, env={"DAMANCOM_LOCAL_PAGE": "0", "DAMANCOM_CODE_WAIT": "240"}
            )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(portal.uploads) == sorted([(first.identifier, period), (second.identifier, period)])
    for name, account in (("un", first), ("deux", second)):
        assert (
            f"[{name}]   Déclaration {period} déposée. Accusé de réception : {account.receipts[period].reference}"
            in result.stdout
        )
        assert list((tmp_path / "recordings" / name / period).rglob("report.pdf"))  # printed in the shared browser
        assert f"[{name}] Validation de la déclaration {period}" in result.stderr  # log lines name their account
    assert "\nValidation de la déclaration" not in "\n" + result.stderr
    report = run_cli("report", "--all", "--period", period)
    assert report.returncode == 0, report.stderr
    page = (tmp_path / "recordings" / f"resume-{period}.html").read_text(encoding="utf-8")
    assert "2 déclaration(s) déposée(s) sur 2 compte(s)" in page and page.count("report.html") == 2
