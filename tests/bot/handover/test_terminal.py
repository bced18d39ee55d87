"""The terminal channel: malformed input asked again, « r » asks for a resend, EOF closes."""

from __future__ import annotations

import io

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


def test_ready_phase_does_not_prompt():
    box, out = Mailbox(), io.StringIO()
    TerminalChannel(box, io.StringIO("123456\n"), out).open("ready")
    assert out.getvalue() == "" and box.take({CODE}, timeout=0) is None
