"""The terminal channel: malformed input asked again, « r » asks for a resend, EOF closes."""

from __future__ import annotations

import io
import os
import threading

from bot.handover.mailbox import CLOSED, CODE, RESEND, Mailbox
from bot.handover.terminal import TerminalChannel


def open_with(lines: str) -> tuple[Mailbox, io.StringIO]:
    box, out = Mailbox(), io.StringIO()
    TerminalChannel(box, io.StringIO(lines), out).open("code", "Code demandé.")
    return box, out


def test_malformed_lines_are_refused_then_the_code_is_taken():
    box, out = open_with("12345\n12a456\n654 321\n")
    assert box.take({CODE}, timeout=5).value == "654321"
    assert out.getvalue().count("exactement 6 chiffres") == 2
    assert out.getvalue().startswith("Code demandé.\nCode reçu par SMS")


def test_r_asks_the_portal_to_resend():
    box, _ = open_with("r\n")
    assert box.take({CODE, RESEND}, timeout=5).kind == RESEND


def test_end_of_input_closes_the_channel():
    box, _ = open_with("")
    assert box.take({CODE}, timeout=5).kind == CLOSED


def readers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "code-prompt"}


def test_ready_phase_neither_prompts_nor_reads():
    """The ready gate is for unattended runs: the keyboard is not read (a line typed then would be
    taken as a code). A reader blocks on the empty pipe, so if one were started it is seen alive."""
    read_end, write_end = os.pipe()
    with open(read_end, encoding="utf-8") as stdin, open(write_end, "w", encoding="utf-8") as keyboard:
        box, out, before = Mailbox(), io.StringIO(), readers()
        channel = TerminalChannel(box, stdin, out)
        channel.open("ready")
        assert readers() == before and out.getvalue() == ""
        channel.open("code")  # the same probe sees the reader of the code phase
        assert len(readers() - before) == 1 and "Code reçu par SMS" in out.getvalue()
        keyboard.write("123456\n")
        keyboard.flush()
        assert box.take({CODE}, timeout=5).value == "123456"
