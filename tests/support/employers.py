"""An accountant's fifty employers on a real SQLite ledger and accounts file, one of each situation
`status` and the dashboard rank (`bot/ledger/urgency.py`), for the tests of both views."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.handover import dropbox
from bot.ledger import ledger as L
from bot.system import clock
from bot.system.files import write_atomic
from bot.system.processes import me

# (category, ledger state, reason, deadline in days from today, phase of a live run); the order status
# must give them: a run waiting for the person, then close deadlines (a passed one first, a failure
# among them by its deadline), then failures with far deadlines, then the rest, filed periods last.
CATEGORIES = (
    [("awaited", L.PENDING, "portal_down", 20, "code"), ("awaited", L.PENDING, "no_code", 8, "ready")]
    + [("close", L.PENDING, "deadline_passed", -1, None), ("close", L.PENDING, "rejected", 1, None)]
    + [("close", L.PENDING, "portal_down", d, None) for d in (2, 0, 1, 0, 2)]
    + [
        ("stopped", L.PENDING, r, d, None)
        for r, d in (("rejected", 4), ("screens_changed", 5), ("browser_refused", 7), ("bad_input", 9))
    ]
    + [("stopped", L.IN_PROGRESS, "in_progress", 12, None)]  # an attempt open, no scheduler to resume it
    + [("later", L.PENDING, "first_planned", 5 + i, None) for i in range(26)]
    + [("filed", L.DONE, "filed", 1 + i, None) for i in range(10)]
)
RANK = ("awaited", "close", "stopped", "later", "filed")
SUMMARY = (
    "50 employeurs : 1 attend un code, 1 attend votre « prêt », 1 à échéance dépassée, 5 en échec, "
    "1 essai interrompu, 5 à échéance proche, 26 en attente d'un essai, 10 déclarés."
)


def fifty_employers(tmp_path) -> tuple[dict, list[str], dict[str, str], dict[str, str]]:
    """The environment, the account names in the order expected, each account's category and the
    `--etat` family its period answers to."""
    now = clock.now()
    period = clock.previous_period(now)
    names = [f"client-{i:02d}" for i in range(1, len(CATEGORIES) + 1)]
    random.Random(26).shuffle(names)  # names in no helpful order
    state, ledger = tmp_path / "state", L.Ledger(tmp_path / "state")
    lines, expected, family = [], [], {}
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
        failed = reason in FAILED or row_state == L.IN_PROGRESS
        family[name] = "en-cours" if phase else "deposee" if row_state == L.DONE else "echec" if failed else "a-faire"
    (tmp_path / "comptes.toml").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "comptes.toml").chmod(0o600)
    environ = {
        "DAMANCOM_STATE_DIR": str(state),
        "DAMANCOM_RECORDINGS": str(tmp_path / "recordings"),
        "DAMANCOM_CONFIG_DIR": str(tmp_path / "config"),
        "DAMANCOM_ACCOUNTS": str(tmp_path / "comptes.toml"),
    }
    expected.sort()
    return environ, [name for _, name, _ in expected], {name: c for _, name, c in expected}, family


FAILED = {"deadline_passed", "rejected", "screens_changed", "browser_refused", "bad_input"}
