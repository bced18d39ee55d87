"""`report --all --period P`: each account's outcome per command kind (a login is not a filing),
with French dates. Run folders written by the real Recorder; no browser."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.audit.recorder import Recorder
from bot.exit_codes import ExitCode
from bot.system import clock
from tests.support.accounts import write_accounts_file

PERIOD = "2026-11"
START = datetime(2026, 12, 2, 21, 5, 7, tzinfo=clock.TZ)


def finished_run(root, account: str, kind: str, code: int, message: str, minutes: int) -> None:
    moment = START + timedelta(minutes=minutes)
    recorder = Recorder(root, account, PERIOD, now=lambda: moment, kind=kind)
    recorder.finish(code, message)


def test_an_earlier_login_is_not_counted_as_a_filing(tmp_path):
    from bot.audit.summary import summary_page

    recordings = tmp_path / "recordings"
    write_accounts_file(
        tmp_path / "comptes.toml",
        "http://127.0.0.1:9/fr/",
        [("un", "PHARMA-1", "x" * 8), ("deux", "PHARMA-2", "x" * 8), ("trois", "PHARMA-3", "x" * 8)],
    )
    for minutes, name in enumerate(("un", "deux", "trois")):  # `login --all`: three logins
        finished_run(recordings, name, "connexion", ExitCode.OK, "Espace affilié atteint.", minutes)
    # `declare --all` an hour later: two filed; « trois »'s file was refused before any login (no folder)
    finished_run(recordings, "un", "declaration", ExitCode.OK, "Accusé de réception 1.", 60)
    finished_run(recordings, "deux", "declaration", ExitCode.OK, "Accusé de réception 2.", 61)

    page = summary_page({"DAMANCOM_ACCOUNTS": str(tmp_path / "comptes.toml")}, recordings, PERIOD).read_text("utf-8")
    assert "2 déclaration(s) déposée(s) sur 3 compte(s)" in page and "novembre 2026" in page
    filings = page.split("<h2>Dépôts", 1)[1].split("<h2>Connexions", 1)[0]
    assert re.search(r"<td>trois</td><td>PHARMA-3</td><td>Aucun dépôt lancé", filings)
    logins = page.split("<h2>Connexions", 1)[1]
    assert logins.count("<td>Réussite</td>") == 3
    assert "02/12/2026 à 21:05:07 (heure du Maroc)" in logins
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", page)  # no raw ISO date
