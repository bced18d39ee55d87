"""The scheduler's child for a « compte groupe », for real: one login, the employer with a file
filed, the other one's space read, each employer's outcome written for its own planner."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.ledger import ledger as L
from bot.run.filing_task import inbox
from bot.sandbox import Portal, Sandbox
from bot.schedule.group import run_group_attempt
from bot.system.clock import TZ
from tests.support.declaration_files import make_file
from tests.support.group import LOGIN, GroupPhone, group_portal_accounts, write_group_file


@pytest.mark.browser
def test_the_groups_child_logs_in_once_and_reports_each_employer(tmp_path, cli_env):
    portal = Portal(group_portal_accounts())
    first, second = [a for a in portal.accounts.values() if a.identifier != LOGIN]
    period = next(p for p, declared in portal.periods(first) if not declared)
    folder = inbox(tmp_path / "state", "un", period)
    folder.mkdir(parents=True)
    make_file(folder, first, period)  # only « un » has a file waiting
    ledger = L.Ledger(tmp_path / "state")
    deadline = datetime.now(TZ) + timedelta(days=5)
    for name in ("un", "deux"):  # both employers' attempts open, as their planners begin them
        ledger.ensure(name, period, deadline, datetime.now(TZ), datetime.now(TZ))
        assert ledger.begin(name, period, datetime.now(TZ)) is not None
    with Sandbox(portal, sms_delay=0) as sandbox:
        path = write_group_file(tmp_path / "comptes.toml", sandbox.url, [first, second])
        environ = {**cli_env, "DAMANCOM_ACCOUNTS": str(path), "DAMANCOM_LOCAL_PAGE": "0", "DAMANCOM_CODE_WAIT": "240"}
        with GroupPhone(sandbox, tmp_path / "state"):
            outcomes = run_group_attempt(period, "cabinet", ["un", "deux"], timeout=400, environ=environ)
        sms = [s for s in sandbox.outbox.all() if s.identifier == LOGIN]
    assert len(sms) == 1
    assert (outcomes["un"].exit_code, outcomes["un"].period_state) == (0, "declared"), outcomes["un"].message
    assert (outcomes["deux"].exit_code, outcomes["deux"].period_state) == (0, "to_declare"), outcomes["deux"].message
    assert portal.uploads == [(first.identifier, period)]  # nothing filed for the one without a file
    assert first.receipts[period].reference in outcomes["un"].message
    assert "/deux/" in outcomes["deux"].audit_folder and "/un/" in outcomes["un"].audit_folder
    for name in ("un", "deux"):  # the group's login wrote each employer's write-ahead marks
        assert [a.stage for a in ledger.attempts(name, period)] == [L.CODE_STEP_DONE], name
