"""`--account` with a name no one configured: refused in French (exit 2), never the `.env` account
in its place, never an empty « all is well »."""

from __future__ import annotations

import subprocess

from tests.conftest import BIN


def test_schedule_for_an_unknown_account_does_not_start(tmp_path, cli_env):
    (tmp_path / ".env").write_text(
        "DAMANCOM_IDENTIFIER=PHARMA-ENV\nDAMANCOM_PASSWORD=Mot-de-passe-1\n", encoding="utf-8"
    )
    done = subprocess.run(
        [str(BIN / "damancom-bot"), "schedule", "--account", "NOPE"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=cli_env,
        timeout=60,
    )  # started, it would run for ever
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Compte « NOPE » inconnu" in done.stderr and "PHARMA-ENV" in done.stderr
    assert not (tmp_path / "state" / "scheduler.json").exists()


def test_status_for_an_unknown_account_says_so(tmp_path, run_cli):
    (tmp_path / ".env").write_text("DAMANCOM_IDENTIFIER=PHARMA-ENV\n", encoding="utf-8")
    result = run_cli("status", "--account", "NOPE")
    assert result.returncode == 2 and "Compte « NOPE » inconnu. Comptes connus : PHARMA-ENV." in result.stderr
    assert run_cli("status", "--account", "PHARMA-ENV").returncode == 0


def test_status_keeps_an_account_the_ledger_remembers(tmp_path, run_cli):
    from bot.ledger.ledger import Ledger
    from bot.schedule.plan import Plan
    from bot.system import clock

    plan = Plan()
    Ledger(tmp_path / "state").ensure(
        "ANCIEN", "2026-10", plan.deadline("2026-10"), plan.first_attempt("2026-10"), clock.now()
    )
    result = run_cli("status", "--account", "ANCIEN")
    assert result.returncode == 0 and "2026-10" in result.stdout, result.stdout + result.stderr
