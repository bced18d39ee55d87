"""The selector strategies that won, kept per portal between runs (bot/run/selector_memory.py)."""

from __future__ import annotations

import json

from bot.run import selector_memory
from bot.system import state_paths
from flows.engine import locate

FIELD = [{"label": "Identifiant"}, {"placeholder": "IDENTIFIANT"}]


def test_a_winner_comes_back_for_the_same_portal_only(tmp_path):
    locate._won(FIELD, 1)
    selector_memory.keep(tmp_path, "https://www.damancom.ma/fr/authentification")
    locate.forget()
    selector_memory.recall(tmp_path, "http://127.0.0.1:8080/portail")
    assert locate._winner([dict(s) for s in FIELD]) is None
    selector_memory.recall(tmp_path, "https://WWW.damancom.ma/autre/page")
    assert locate._winner([dict(s) for s in FIELD]) == 1
    saved = json.loads((tmp_path / state_paths.SELECTOR_WINNERS).read_text(encoding="utf-8"))
    assert list(saved) == ["https://www.damancom.ma"]


def test_a_damaged_or_unwritable_memory_costs_nothing_but_the_order(tmp_path):
    (tmp_path / state_paths.SELECTOR_WINNERS).write_text("{pas du json", encoding="utf-8")
    selector_memory.recall(tmp_path, "https://www.damancom.ma")  # read as empty
    assert locate._winner(FIELD) is None
    held = tmp_path / "tenu"
    (held / state_paths.SELECTOR_WINNERS).mkdir(parents=True)  # a folder where the file goes: replace fails
    locate._won(FIELD, 1)
    selector_memory.keep(held, "https://www.damancom.ma")  # no exception: the run's outcome is not this


def test_a_saved_index_beyond_the_list_is_ignored(tmp_path):
    locate._won(FIELD, 1)
    saved = locate.winners()
    locate.forget()
    locate.recall(saved)
    assert locate._winner(FIELD[:1]) is None  # a shorter list has other contents: not recalled
    assert locate._winner([dict(s) for s in FIELD]) == 1
    locate.recall({key: 7 for key in saved})
    assert locate._winner([dict(s) for s in FIELD]) is None
