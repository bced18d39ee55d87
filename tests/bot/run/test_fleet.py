"""`--all`'s pieces that need no browser: the worst exit code, the summary table, DAMANCOM_PARALLEL."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.exit_codes import ExitCode
from bot.run.fleet import Outcome, parallel, summary_lines, worst


@pytest.mark.parametrize(
    "codes, expected",
    [
        ([0, 0], 0),
        ([0, 9], 9),
        ([0, 130], 130),
        ([0, 4, 3], 3),
        ([7, 4], 4),
        ([2, 5, 6], 5),
        ([0, 1, 5], 1),
        ([0, 6, 2], 6),
        ([], 0),
    ],
)
def test_the_exit_code_is_the_worst_account(codes, expected):
    assert worst(codes) == expected


def test_summary_names_every_account_and_says_why_in_french():
    lines = summary_lines(
        [
            Outcome("al-amal", "PHARMA-7731", 0, "réussi", 12.4),
            Outcome("atlas", "CABINET-42", int(ExitCode.REJECTED), "Mot de passe refusé.", 8.0),
        ]
    )
    text = "\n".join(lines)
    assert "al-amal" in text and "PHARMA-7731" in text and "Refus du portail : Mot de passe refusé." in text
    assert "1 réussi(s), 1 en échec." in text


def test_parallel_bounds():
    assert parallel({}) == 4 and parallel({"DAMANCOM_PARALLEL": "10"}) == 10
    with pytest.raises(ConfigError):
        parallel({"DAMANCOM_PARALLEL": "0"})
