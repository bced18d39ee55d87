"""The stop signals each system has become a clean stop; the handlers are put back afterwards."""

from __future__ import annotations

import signal

import pytest

from bot.system.stop_signals import StopRequested, stopping_cleanly


def test_handlers_are_installed_for_what_this_system_has_and_restored():
    before = signal.getsignal(signal.SIGTERM)
    with stopping_cleanly() as names:
        assert "SIGTERM" in names
        assert ("SIGBREAK" in names) == hasattr(signal, "SIGBREAK")  # Windows: console closed, log-off
        with pytest.raises(StopRequested):
            signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before
    assert issubclass(StopRequested, KeyboardInterrupt)  # every Ctrl-C path handles it
