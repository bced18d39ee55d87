"""`status` lists every configured account, those the scheduler never planned included (right
after `login --all`), with its latest run in French. No browser."""

from __future__ import annotations

import json
from datetime import datetime

from bot.audit.recorder import Recorder
from bot.exit_codes import ExitCode
from bot.ledger.ledger import Ledger
from bot.system import clock
from tests.support.accounts import write_accounts_file
from tests.support.in_process import run_main

MOMENT = datetime(2026, 12, 2, 9, 30, 0, tzinfo=clock.TZ)


def test_status_lists_accounts_the_scheduler_never_planned(tmp_path):
    state, recordings = tmp_path / "state", tmp_path / "recordings"
    write_accounts_file(
        tmp_path / "comptes.toml",
        "http://127.0.0.1:9/fr/",
        [("un", "PHARMA-1", "x" * 8), ("deux", "PHARMA-2", "x" * 8), ("trois", "PHARMA-3", "x" * 8)],
    )
    Ledger(state).ensure("un", "2026-11", MOMENT, MOMENT, MOMENT)  # only « un » was ever planned
    for name, code in (("un", ExitCode.OK), ("deux", ExitCode.OK), ("trois", ExitCode.BROWSER_FAILED)):
        Recorder(recordings, name, "2026-11", now=lambda: MOMENT).finish(code, "")  # `login --all`
    environ = {
        "DAMANCOM_STATE_DIR": str(state),
        "DAMANCOM_RECORDINGS": str(recordings),
        "DAMANCOM_CONFIG_DIR": str(tmp_path / "config"),
    }

    result = run_main(["status"], environ=environ, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Compte un - période 2026-11" in result.stdout
    for name in ("deux", "trois"):
        assert f"Compte {name} : aucune déclaration planifiée" in result.stdout
    assert (
        "dernière connexion : 02/12/2026 à 09:30:00 (heure du Maroc), période novembre 2026 : Réussite" in result.stdout
    )
    assert "Le navigateur a échoué (pas le portail)" in result.stdout

    listed = json.loads(run_main(["status", "--json"], environ=environ, cwd=tmp_path).stdout)
    assert [a["account"] for a in listed["accounts"]] == ["un", "deux", "trois"]
    assert listed["accounts"][2]["latest_run"]["exit_code"] == 9
