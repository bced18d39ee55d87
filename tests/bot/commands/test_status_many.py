"""`status` for an accountant's forty employers, on a real SQLite ledger and accounts file: one
line per employer and period, what needs the person first, `--etat` filters. No browser."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest

from bot.handover import dropbox
from bot.ledger import ledger as L
from bot.output.french import period as period_words
from bot.system import clock
from bot.system.files import write_atomic
from bot.system.processes import me
from tests.support.in_process import run_main

# (category, ledger state, reason, deadline in days from today); the order status must give them.
CATEGORIES = (
    [("awaited", L.PENDING, "portal_down", 20, "code"), ("awaited", L.PENDING, "no_code", 8, "ready")]
    + [("stopped", L.PENDING, "deadline_passed", -1, None)]
    + [
        ("stopped", L.PENDING, r, d, None)
        for r, d in (("rejected", 3), ("screens_changed", 5), ("browser_refused", 7), ("bad_input", 9))
    ]
    + [("close", L.PENDING, "portal_down", d, None) for d in (2, 0, 1, 0, 2)]
    + [("later", L.PENDING, "first_planned", 4 + i, None) for i in range(20)]
    + [("filed", L.DONE, "filed", 1 + i, None) for i in range(8)]
)
RANK = ("awaited", "stopped", "close", "later", "filed")
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
    tmp_path = tmp_path_factory.mktemp("forty")
    return (tmp_path, *forty_employers(tmp_path))


def forty_employers(tmp_path) -> tuple[dict, list[str], dict[str, str]]:
    """The environment, the account names in the order expected, and each account's category."""
    now = clock.now()
    period = clock.previous_period(now)
    names = [f"client-{i:02d}" for i in range(1, len(CATEGORIES) + 1)]
    random.Random(26).shuffle(names)  # names in no helpful order
    state, ledger = tmp_path / "state", L.Ledger(tmp_path / "state")
    lines, expected = [], []
    for name, (category, row_state, reason, days, phase) in zip(names, CATEGORIES):
        day = (now + timedelta(days=days)).date()
        lines += [
            f"[accounts.{name}]",
            f'identifier = "ID-{name}"',
            'url = "http://127.0.0.1:9/fr/"',
            f'deadline_overrides = "{period}={day.isoformat()}"',
            "",
        ]
        deadline = now + timedelta(days=days)
        ledger.ensure(name, period, deadline, now, now)
        if row_state == L.DONE:
            ledger.filed(name, period, deadline, f"ACC-{name}", now)
        else:
            ledger.plan(name, period, row_state, now + timedelta(hours=1), reason, now)
        if phase:  # a live run of this account waits for the person (this process stands for it)
            write_atomic(dropbox.handover_dir(state, name) / dropbox.WAITING, {**me(), "phase": phase, "account": name})
        rank = RANK.index(category)
        expected.append(((rank, -days if category == "filed" else days, name), name, category))
    (tmp_path / "comptes.toml").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "comptes.toml").chmod(0o600)
    environ = {
        "DAMANCOM_STATE_DIR": str(state),
        "DAMANCOM_RECORDINGS": str(tmp_path / "recordings"),
        "DAMANCOM_CONFIG_DIR": str(tmp_path / "config"),
        "DAMANCOM_ACCOUNTS": str(tmp_path / "comptes.toml"),
    }
    expected.sort()
    return environ, [name for _, name, _ in expected], {name: c for _, name, c in expected}


def status(tmp_path, environ, *args):
    result = run_main(["status", *args], environ=environ, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result


def listed(text: str) -> list[str]:
    return [line.split(" ")[1] for line in text.splitlines() if line.startswith("Compte ")]


def test_forty_employers_one_line_each_most_urgent_first(employers):
    tmp_path, environ, order, category = employers
    text = status(tmp_path, environ).stdout
    assert listed(text) == order
    lines = {line.split(" ")[1]: line for line in text.splitlines() if line.startswith("Compte ")}
    assert len(lines) == 40 and all(" - période " in line for line in lines.values())
    in_french = period_words(clock.previous_period(clock.now()))  # « novembre 2026 »
    assert all(f" - période {in_french} : " in line for line in lines.values())
    ready, code = order[0], order[1]  # both wait for the person; « prêt ? » has the closer deadline
    assert category[code] == category[ready] == "awaited"
    assert f"un essai vous attend ; code SMS à donner : damancom-bot otp CODE --account {code}" in lines[code]
    assert f"le bot attend « prêt » : damancom-bot ready --account {ready}" in lines[ready]
    stopped = [n for n in order if category[n] == "stopped"]
    assert "échéance dépassée : déposez-la vous-même" in lines[stopped[0]]
    assert "identifiants ou code refusés" in lines[stopped[1]]
    assert all("accusé de réception ACC-" in lines[n] for n in order if category[n] == "filed")
    assert "heures du Maroc" in text


def test_etat_filters_each_family(employers):
    tmp_path, environ, order, category = employers
    families = {"en-cours": "awaited", "echec": "stopped", "deposee": "filed"}
    for word, kind in families.items():
        assert listed(status(tmp_path, environ, "--etat", word).stdout) == [n for n in order if category[n] == kind]
    to_do = [n for n in order if category[n] in ("close", "later")]
    assert listed(status(tmp_path, environ, "--etat", "a-faire").stdout) == to_do
    assert listed(status(tmp_path, environ, "--etat", "Échec").stdout) == listed(
        status(tmp_path, environ, "--etat", "echec").stdout
    )  # as a person types it


def test_etat_unknown_word_is_a_french_usage_error(employers):
    tmp_path, environ, _, _ = employers
    result = run_main(["status", "--etat", "perdue"], environ=environ, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "« perdue » n'est pas possible pour --etat" in result.stderr
    assert "a-faire" in result.stderr and "deposee" in result.stderr


def test_json_gives_the_order_and_keeps_its_keys(employers):
    tmp_path, environ, order, category = employers
    data = json.loads(status(tmp_path, environ, "--json").stdout)
    assert [o["account"] for o in data["order"]] == order
    assert [o["group"] for o in data["order"][:3]] == ["awaited", "awaited", "stopped"]
    assert {o["etat"] for o in data["order"]} == {"a-faire", "en-cours", "echec", "deposee"}
    assert all(set(p) == PERIOD_KEYS for a in data["accounts"] for p in a["periods"])
    assert {"scheduler", "accounts", "notifications", "clock"} <= set(data)
    failed = json.loads(status(tmp_path, environ, "--json", "--etat", "echec").stdout)
    assert [o["account"] for o in failed["order"]] == [n for n in order if category[n] == "stopped"]
    assert sorted(a["account"] for a in failed["accounts"]) == sorted(o["account"] for o in failed["order"])


def test_one_account_keeps_its_details(employers):
    tmp_path, environ, order, _ = employers
    text = status(tmp_path, environ, "--account", order[2]).stdout
    assert f"Compte {order[2]} - période {clock.previous_period(clock.now())} : " in text  # the detailed block
    assert "(échéance " in text
