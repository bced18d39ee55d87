"""`status` for an accountant's fifty employers, on a real SQLite ledger and accounts file: the count
line, one line per employer and period, what needs the person first, `--etat` and `--nom` filters,
one ledger connection. No browser."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bot.system import clock
from tests.support.employers import SUMMARY, fifty_employers
from tests.support.in_process import run_main

PERIOD_KEYS = {
    "period",
    "state",
    "deadline",
    "next_attempt",
    "reason",
    "reason_fr",
    "overdue",
    "receipt",
    "note",
    "attempts",
}


@pytest.fixture(scope="module")
def employers(tmp_path_factory):
    """Built once for the module: `status` only reads them."""
    tmp_path = tmp_path_factory.mktemp("fifty")
    return (tmp_path, *fifty_employers(tmp_path))


def status(tmp_path, environ, *args):
    result = run_main(["status", *args], environ=environ, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result


def rows(text: str) -> dict[str, str]:
    """The table's lines by account, in their order."""
    return {line.split()[0]: line for line in text.splitlines() if line.startswith("client-")}


def listed(text: str) -> list[str]:
    return list(rows(text))


def test_fifty_employers_one_line_each_most_urgent_first(employers):
    tmp_path, environ, order, category, family = employers
    text = status(tmp_path, environ).stdout
    assert listed(text) == order
    lines = rows(text)
    assert len(lines) == 50 and all(f"  {clock.previous_period(clock.now())}  " in line for line in lines.values())
    ready, code = order[0], order[1]  # both wait for the person; « prêt ? » has the closer deadline
    assert category[code] == category[ready] == "awaited"
    assert "code à donner" in lines[code] and f"damancom-bot otp CODE --account {code}" in lines[code]
    assert "« prêt » attendu" in lines[ready] and f"damancom-bot ready --account {ready}" in lines[ready]
    passed = order[2]  # close deadlines: the passed one first, then a failure among them by its deadline
    failed_soon = next(n for n in order[3:] if family[n] == "echec")
    assert category[failed_soon] == "close" and 3 < order.index(failed_soon) < 7
    assert "échéance dépassée" in lines[passed] and "dépassée  " in lines[passed]
    assert f"damancom-bot done --period {clock.previous_period(clock.now())} --account {passed}" in lines[passed]
    assert "en échec" in lines[failed_soon] and "identifiants ou code refusés" in lines[failed_soon]
    assert [category[n] for n in order[9:14]] == ["stopped"] * 5
    assert "essai interrompu" in lines[order[13]]  # its deadline is the farthest of the failures
    assert all("déposée" in lines[n] and f"accusé ACC-{n}" in lines[n] for n in order if category[n] == "filed")
    assert "heures du Maroc" in text


def test_the_count_line_is_the_lines_counted(employers):
    tmp_path, environ, order, category, _ = employers
    text = status(tmp_path, environ).stdout
    assert SUMMARY in " ".join(text.split())  # wrapped to the console's width
    situations = [line.split("  ")[2].strip() for line in rows(text).values()]
    said = {"code à donner": 1, "« prêt » attendu": 1, "échéance dépassée": 1, "en échec": 5}
    said |= {"essai interrompu": 1, "échéance proche": 5, "en attente": 26, "déposée": 10}
    assert {word: situations.count(word) for word in said} == said and len(situations) == 50


def test_fifty_lines_fit_a_windows_console(employers):
    tmp_path, environ, _, _, _ = employers
    text = status(tmp_path, environ).stdout
    commands = [line for line in text.splitlines() if "  damancom-bot " in line]  # never cut: typed as they are
    assert all(line.endswith(("--account " + line.split()[0])) for line in commands) and len(commands) == 3
    prose = [line for line in text.splitlines()[1:] if line not in commands]  # the scheduler's sentence aside
    assert max(len(line) for line in prose) <= 119
    text.encode("cp1252")  # every character a Windows console shows


def test_etat_filters_each_family(employers):
    tmp_path, environ, order, _, family = employers
    for word in ("a-faire", "en-cours", "echec", "deposee"):
        text = status(tmp_path, environ, "--etat", word).stdout
        assert listed(text) == [n for n in order if family[n] == word]
        assert SUMMARY in " ".join(text.split())  # the whole portfolio still counted, and what is shown said
        assert f"Affichées : {len(listed(text))} ligne(s)" in text
    assert listed(status(tmp_path, environ, "--etat", "Échec").stdout) == listed(
        status(tmp_path, environ, "--etat", "echec").stdout
    )  # as a person types it


def test_nom_keeps_the_accounts_whose_name_begins_so(employers):
    tmp_path, environ, order, _, family = employers
    text = status(tmp_path, environ, "--nom", "CLIENT-1").stdout
    assert listed(text) == [n for n in order if n.startswith("client-1")]
    kept = len(listed(text))
    assert f"{kept} employeurs : " in text and f"Affichées : {kept} ligne(s) pour les comptes dont le nom" in text
    both = status(tmp_path, environ, "--nom", "*-2*", "--etat", "echec").stdout
    assert listed(both) == [n for n in order if "-2" in n and family[n] == "echec"]
    none = status(tmp_path, environ, "--nom", "fournisseur").stdout
    assert "Aucune période pour les comptes dont le nom commence par « fournisseur » (0 employeurs)." in none


def test_status_opens_the_ledger_once_for_fifty_employers(employers, monkeypatch):
    tmp_path, environ, _, _, _ = employers
    opened = []
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: opened.append(a) or real(*a, **k))
    status(tmp_path, environ)
    assert len(opened) <= 2  # the ledger made sure of (its tables), then one read for every period


def test_etat_unknown_word_is_a_french_usage_error(employers):
    tmp_path, environ, _, _, _ = employers
    result = run_main(["status", "--etat", "perdue"], environ=environ, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "« perdue » n'est pas possible pour --etat" in result.stderr
    assert "a-faire" in result.stderr and "deposee" in result.stderr


def test_json_gives_the_order_and_keeps_its_keys(employers):
    tmp_path, environ, order, category, family = employers
    data = json.loads(status(tmp_path, environ, "--json").stdout)
    assert [o["account"] for o in data["order"]] == order
    assert [o["group"] for o in data["order"][:3]] == ["awaited", "awaited", "deadline_close"]
    assert data["summary"] + "." == SUMMARY
    assert {o["etat"] for o in data["order"]} == {"a-faire", "en-cours", "echec", "deposee"}
    assert all(set(p) == PERIOD_KEYS for a in data["accounts"] for p in a["periods"])
    assert {"scheduler", "accounts", "notifications", "clock"} <= set(data)
    failed = json.loads(status(tmp_path, environ, "--json", "--etat", "echec").stdout)
    assert [o["account"] for o in failed["order"]] == [n for n in order if family[n] == "echec"]
    assert sorted(a["account"] for a in failed["accounts"]) == sorted(o["account"] for o in failed["order"])


def test_one_account_keeps_its_details(employers):
    tmp_path, environ, order, _, _ = employers
    text = status(tmp_path, environ, "--account", order[2]).stdout
    assert f"Compte {order[2]} - période {clock.previous_period(clock.now())} : " in text  # the detailed block
    assert "(échéance " in text
