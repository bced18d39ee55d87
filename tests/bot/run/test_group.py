"""A « compte groupe » in `declare --all`: one login, one SMS, each employer filed in turn with its
own audit folder, receipt and ledger row; a session lost between two; a kill between two filings."""

from __future__ import annotations

import subprocess

import pytest

from bot.ledger.ledger import DONE, Ledger
from bot.run.filing_task import inbox
from bot.sandbox import Portal, Sandbox
from tests.conftest import BIN, STYLES, assert_no_secret
from tests.support.declaration_files import make_file
from tests.support.group import LOGIN, PASSWORD, GroupPhone, group_portal_accounts, write_group_file
from tests.support.waiting import wait_until

NAMES = ("un", "deux")
ENV = {"DAMANCOM_LOCAL_PAGE": "0", "DAMANCOM_CODE_WAIT": "240"}


def group_setup(tmp_path):
    portal = Portal(group_portal_accounts())
    employers = [a for a in portal.accounts.values() if a.identifier != LOGIN]
    period = next(p for p, declared in portal.periods(employers[0]) if not declared)
    for name, employer in zip(NAMES, employers):
        folder = inbox(tmp_path / "state", name, period)
        folder.mkdir(parents=True)
        make_file(folder, employer, period)
    validated: list[str] = []
    portal.validation_listeners.append(lambda identifier, p: validated.append(identifier))
    return portal, employers, period, validated


def assert_filed_once_each(tmp_path, portal, employers, period, validated):
    assert sorted(portal.uploads) == sorted((e.identifier, period) for e in employers)  # each uploaded once
    assert sorted(validated) == sorted(e.identifier for e in employers)  # each validated once
    ledger = Ledger(tmp_path / "state")
    for name, employer in zip(NAMES, employers):
        row = ledger.period(name, period)
        assert row.state == DONE and row.receipt == employer.receipts[period].reference, name
        assert list((tmp_path / "recordings" / name / period).rglob("report.pdf")), name  # its own audit folder


@pytest.mark.parametrize("style", STYLES)
def test_one_login_one_sms_each_employer_filed_with_its_receipt(tmp_path, run_cli, style):
    portal, employers, period, validated = group_setup(tmp_path)
    with Sandbox(portal, style=style, sms_delay=0) as sandbox:
        write_group_file(tmp_path / "comptes.toml", sandbox.url, employers)
        with GroupPhone(sandbox, tmp_path / "state") as phone:
            result = run_cli("declare", "--all", "--period", period, env=ENV)
        sms = [s for s in sandbox.outbox.all() if s.identifier == LOGIN]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(sms) == 1  # one login for both employers
    assert_filed_once_each(tmp_path, portal, employers, period, validated)
    for name, employer in zip(NAMES, employers):
        assert f"[cabinet] {name} : Déclaration {period} déposée ; accusé de réception" in result.stdout
        assert employer.receipts[period].reference in result.stdout
        manifest = next((tmp_path / "recordings" / name / period).rglob("manifest.jsonl")).read_text()
        assert '"step": "compte-groupe"' in manifest and employer.affiliation in manifest
    assert "2 réussi(s), 0 en échec." in result.stdout
    assert_no_secret(
        [PASSWORD, *phone.handed.values()],
        result.stdout,
        result.stderr,
        roots=(tmp_path / "recordings", tmp_path / "state"),
    )


def test_session_lost_between_two_employers_one_new_login_the_rest_filed(tmp_path, run_cli):
    portal, employers, period, validated = group_setup(tmp_path)
    choices: list[str] = []

    def expire_on_second(login, number):
        choices.append(number)
        if len(choices) == 2:  # the portal forgets the session just as the second employer is chosen
            portal.expire(login)

    portal.choice_listeners.append(expire_on_second)
    with Sandbox(portal, style="spa", sms_delay=0) as sandbox:
        write_group_file(tmp_path / "comptes.toml", sandbox.url, employers)
        with GroupPhone(sandbox, tmp_path / "state"):
            result = run_cli("declare", "--all", "--period", period, env=ENV)
        sms = [s for s in sandbox.outbox.all() if s.identifier == LOGIN]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(sms) == 2  # one new login, for the employer left
    assert_filed_once_each(tmp_path, portal, employers, period, validated)
    assert choices == [employers[0].affiliation, employers[1].affiliation, employers[1].affiliation]


@pytest.mark.browser
def test_a_kill_between_two_filings_files_nothing_twice_on_restart(tmp_path, cli_env, run_cli):
    from bot.system.processes import kill_tree

    portal, employers, period, validated = group_setup(tmp_path)
    process: list[subprocess.Popen] = []
    killed: list[int] = []

    def kill_before_second(login, number):
        if number == employers[1].affiliation and process:  # the first one filed, the second not yet
            killed.append(process[0].pid)  # psutil reaps it: its Popen return code says nothing
            kill_tree(process[0].pid)

    portal.choice_listeners.append(kill_before_second)
    with Sandbox(portal, sms_delay=0) as sandbox:
        write_group_file(tmp_path / "comptes.toml", sandbox.url, employers)
        with GroupPhone(sandbox, tmp_path / "state"):
            process.append(_declare_all_process(tmp_path, cli_env, period))
            _until_it_ends(process[0])
            assert process[0].pid in killed
            assert [e for e, p in portal.uploads] == [employers[0].identifier]  # the first filed, the second not
            process.clear()
            result = run_cli("declare", "--all", "--period", period, env=ENV)
        sms = [s for s in sandbox.outbox.all() if s.identifier == LOGIN]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(sms) == 2  # one login per run
    assert_filed_once_each(tmp_path, portal, employers, period, validated)
    assert f"[cabinet] un : Déclaration {period} déjà déposée" in result.stdout  # no login spent on it
    assert "puis deux." in result.stdout


def test_one_employer_of_the_group_alone_and_login_all_reads_each_space(tmp_path, run_cli):
    portal, employers, period, validated = group_setup(tmp_path)
    with Sandbox(portal, sms_delay=0) as sandbox:
        write_group_file(tmp_path / "comptes.toml", sandbox.url, employers)
        # `--account deux`: the group's login, « deux » chosen in its list (its code asked under its name)
        with GroupPhone(sandbox, tmp_path / "state", name="deux"):
            alone = run_cli("declare", "--account", "deux", "--period", period, "--sans-confirmation", env=ENV)
        with GroupPhone(sandbox, tmp_path / "state"):
            every = run_cli("login", "--all", "--period", period, env=ENV)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert portal.uploads == [(employers[1].identifier, period)]  # filed in « deux »'s own space only
    assert every.returncode == 0, every.stdout + every.stderr
    assert "un : Espace affilié atteint (Officine n°1), période" in every.stdout and "« À déclarer »" in every.stdout
    assert "deux : Espace affilié atteint (Officine n°2)." in every.stdout
    assert portal.uploads == [(employers[1].identifier, period)]  # a login files nothing


def test_a_group_without_password_tells_each_employer_and_sends_no_sms(tmp_path, run_cli):
    portal, employers, period, _ = group_setup(tmp_path)
    with Sandbox(portal, sms_delay=0) as sandbox:
        path = write_group_file(tmp_path / "comptes.toml", sandbox.url, employers)
        path.write_text(path.read_text(encoding="utf-8").replace(f'password = "{PASSWORD}"\n', ""), encoding="utf-8")
        result = run_cli("declare", "--all", "--period", period, env=ENV)
        assert sandbox.outbox.all() == []
    assert result.returncode == 2, result.stdout + result.stderr
    summary = result.stdout[result.stdout.index("Résumé :") :]
    assert "0 réussi(s), 2 en échec." in summary and "un " in summary and "deux " in summary
    assert "mot de passe" in summary.lower()


def scheduler_attempts(tmp_path, period) -> Ledger:
    """Each employer's attempt opened as its planner opens it before the child starts."""
    from datetime import datetime, timedelta

    from bot.system.clock import TZ

    ledger = Ledger(tmp_path / "state")
    now = datetime.now(TZ)
    for name in NAMES:
        ledger.ensure(name, period, now + timedelta(days=5), now, now)
        assert ledger.begin(name, period, now) is not None
    return ledger


@pytest.mark.browser
def test_a_kill_after_the_new_logins_sms_is_recovered_as_an_sms_possibly_sent(tmp_path, cli_env):
    from bot.output.notify import Notifier
    from bot.schedule.plan import Plan
    from bot.schedule.service import Planner
    from bot.settings.config import Settings
    from bot.system.processes import kill_tree

    portal, employers, period, validated = group_setup(tmp_path)
    ledger = scheduler_attempts(tmp_path, period)
    process: list[subprocess.Popen] = []
    choices: list[str] = []

    def expire_on_second(login, number):
        choices.append(number)
        if len(choices) == 2:  # the second employer's choice: the portal has forgotten the session
            portal.expire(login)

    def kill_at_second_sms(sms):
        if sms.identifier == LOGIN and sms.seq > 1 and process:  # the new login's SMS has gone out
            kill_tree(process[0].pid)

    portal.choice_listeners.append(expire_on_second)
    with Sandbox(portal, sms_delay=0) as sandbox:
        sandbox.outbox.listeners.append(kill_at_second_sms)
        write_group_file(tmp_path / "comptes.toml", sandbox.url, employers)
        with GroupPhone(sandbox, tmp_path / "state"):
            process.append(_declare_all_process(tmp_path, cli_env, period))
            _until_it_ends(process[0])
        sms = [s for s in sandbox.outbox.all() if s.identifier == LOGIN]
    assert len(sms) == 2 and portal.uploads == [(employers[0].identifier, period)]  # killed before filing « deux »
    planner = Planner(Settings(account="deux", state_dir=tmp_path / "state"), Plan(), ledger, Notifier([]))
    lines = planner.recover(only_mine=True)
    (attempt,) = ledger.attempts("deux", period)
    assert attempt.outcome == "interrupted_after_sms", lines
    assert ledger.period("deux", period).next_reason == "interrupted_after_sms"
    assert any("après l'envoi du SMS" in line for line in lines), lines


def test_a_session_refused_in_words_mid_filing_is_lost_one_new_login_the_employer_filed(tmp_path, run_cli):
    """The spa answers the upload with « Accès refusé : votre session a expiré… » on the same
    screen (its token no longer valid), no home page: read as a lost session, not a refused file."""
    from bot.sandbox.state import _logins

    portal, employers, period, validated = group_setup(tmp_path)
    choices: list[str] = []

    def token_gone_at_first_choice(login, number):
        choices.append(number)
        if len(choices) == 1:
            for session in list(portal._sessions.values()):
                if login in _logins(session):
                    session.csrf = "plus-valide"  # the page keeps the old token: its next request is refused

    portal.choice_listeners.append(token_gone_at_first_choice)
    with Sandbox(portal, style="spa", sms_delay=0) as sandbox:
        write_group_file(tmp_path / "comptes.toml", sandbox.url, employers)
        with GroupPhone(sandbox, tmp_path / "state"):
            result = run_cli("declare", "--all", "--period", period, env=ENV, timeout=400)
        sms = [s for s in sandbox.outbox.all() if s.identifier == LOGIN]
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(sms) == 2  # one new login, then the same employer again from its own space
    assert_filed_once_each(tmp_path, portal, employers, period, validated)
    assert choices == [employers[0].affiliation, employers[0].affiliation, employers[1].affiliation]


def _declare_all_process(tmp_path, cli_env, period: str) -> subprocess.Popen:
    """A real `declare --all`: the tests that kill it mid-run need a process of its own."""
    return subprocess.Popen(
        [str(BIN / "damancom-bot"), "declare", "--all", "--period", period],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env={**cli_env, **ENV},
    )


def _until_it_ends(process: subprocess.Popen) -> None:
    from bot.system.processes import kill_tree

    try:
        wait_until(lambda: process.poll() is not None, timeout=300)
    finally:
        kill_tree(process.pid) if process.poll() is None else None
