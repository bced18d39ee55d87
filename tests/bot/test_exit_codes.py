"""The exit codes' one table (`bot/exit_codes.py`): every member has its rank for `--all`, the
scheduler's decision with its ledger reason, and its French title; the README documents each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.exit_codes import DECISIONS, ExitCode, title, worst
from bot.ledger.words import REASON_FR
from bot.schedule.plan import decide

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("code", list(ExitCode), ids=lambda c: c.name)
def test_every_code_has_its_whole_row(code):
    assert isinstance(getattr(code, "rank", None), int), f"{code.name} has no rank for --all"
    assert getattr(code, "decision", None) in DECISIONS, f"{code.name} has no scheduler decision"
    assert getattr(code, "reason", None) in REASON_FR, f"{code.name}'s ledger reason has no French"
    assert getattr(code, "title", "").strip() and title(code) == code.title, f"{code.name} has no French title"


def test_a_row_missing_a_field_does_not_even_import():
    from enum import IntEnum

    with pytest.raises(TypeError):

        class Broken(IntEnum):  # noqa: F841 - built only to fail
            __new__ = ExitCode.__new__
            PORTAL_NEEDS_WINDOW = 10, 45, "retry"  # no reason, no title


def test_ranks_are_distinct_so_the_worst_account_is_never_ambiguous():
    ranks = [c.rank for c in ExitCode]
    assert len(set(ranks)) == len(ranks) and ExitCode.OK.rank == min(ranks)


@pytest.mark.parametrize(
    "codes, expected",
    [([0, 9], 9), ([0, 130], 130), ([9, 4, 3], 9), ([130, 1, 5], 130), ([8, 5], 8), ([0, 42], 1), ([], 0)],
)
def test_worst_knows_every_code(codes, expected):
    assert worst(codes) == expected


def test_the_scheduler_has_a_decision_for_an_interrupted_attempt():
    assert decide(130, None) == ("next-window", "interrupted")
    assert decide(9, None) == ("retry", "browser_failed") and decide(42, None) == ("stop", "bug")


def test_the_readme_documents_every_code():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Codes de sortie", 1)[1].split("\n## ", 1)[0]
    documented = {int(n) for n in re.findall(r"^\| (\d+) \|", section, re.M)}
    assert documented == {int(c) for c in ExitCode}
    order = re.search(r"compte le plus mal passé \(ordre : ([\d, ]+)\)", text)
    by_rank = sorted((c for c in ExitCode if c), key=lambda c: -c.rank)
    assert order and order[1] == ", ".join(str(int(c)) for c in by_rank)
