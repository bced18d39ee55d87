"""Codes: exactly 6 digits (any script of digits), registered as secrets once parsed."""

from __future__ import annotations

import pytest

from bot.errors import InvalidCode
from bot.handover.code import duration_fr, parse_code
from bot.output import redact


@pytest.mark.parametrize(
    "raw, code",
    [
        ("123456", "123456"),
        (" 123 456 \n", "123456"),
        ("0 0 0 0 0 1", "000001"),
        ("١٢٣٤٥٦", "123456"),
        ("１２３４５６", "123456"),
    ],
)
def test_valid_codes(raw, code):
    assert parse_code(raw) == code
    assert redact.scrub(f"code {code}") == f"code {redact.MASK}"


@pytest.mark.parametrize("raw", ["", "12345", "1234567", "12a456", "123-456", "12345٦7", "abcdef"])
def test_malformed_codes_are_refused_in_french(raw):
    with pytest.raises(InvalidCode, match="exactement 6 chiffres"):
        parse_code(raw)


def test_durations_in_french():
    assert duration_fr(300) == "5 min" and duration_fr(90) == "1,5 min" and duration_fr(20) == "20 s"
