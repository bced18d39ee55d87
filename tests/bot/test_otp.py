"""Codes: exactly 6 digits, asked again when malformed, bounded wait, registered as secrets."""

from __future__ import annotations

import io
import threading

import pytest

from bot import redact
from bot.errors import CodeNotProvided, InvalidCode
from bot.otp import PromptCodeSource, duration_fr, parse_code


@pytest.mark.parametrize("raw, code", [("123456", "123456"), (" 123 456 \n", "123456"), ("0 0 0 0 0 1", "000001"),
                                       ("١٢٣٤٥٦", "123456"), ("１２３４５６", "123456")])
def test_valid_codes(raw, code):
    assert parse_code(raw) == code
    assert redact.scrub(f"code {code}") == f"code {redact.MASK}"


@pytest.mark.parametrize("raw", ["", "12345", "1234567", "12a456", "123-456", "12345٦7", "abcdef"])
def test_malformed_codes_are_refused_in_french(raw):
    with pytest.raises(InvalidCode, match="exactement 6 chiffres"):
        parse_code(raw)


def test_prompt_asks_again_after_malformed_input():
    out = io.StringIO()
    source = PromptCodeSource(io.StringIO("12345\n12a456\n654 321\n"), out, wait=10)
    assert source.get() == "654321"
    assert out.getvalue().count("exactement 6 chiffres") == 2


def test_prompt_ends_with_exit_3_when_input_closes():
    with pytest.raises(CodeNotProvided, match="sans code") as caught:
        PromptCodeSource(io.StringIO(""), io.StringIO(), wait=10).get()
    assert caught.value.exit_code == 3


def test_prompt_ends_with_exit_3_when_nobody_answers():
    class Silent(io.StringIO):
        def __init__(self):
            super().__init__()
            self.release = threading.Event()

        def readline(self, *args):
            self.release.wait(5)
            return ""

    stdin = Silent()
    with pytest.raises(CodeNotProvided, match="délai"):
        PromptCodeSource(stdin, io.StringIO(), wait=0.2).get()
    stdin.release.set()


def test_durations_in_french():
    assert duration_fr(300) == "5 min" and duration_fr(90) == "1,5 min" and duration_fr(20) == "20 s"
