"""Overlays laid over a screen: the one on top is closed first (a cookie banner under a modal)."""

from __future__ import annotations

import pytest

from bot.audit.manifest import read_records
from bot.sandbox import Sandbox
from bot.sandbox.shapes import Shape


@pytest.mark.parametrize("pages", ["documents", "single"])
def test_a_modal_over_a_cookie_banner_is_closed_first_then_the_banner(flow, pages):
    with Sandbox(shape=Shape(pages=pages, cookies="yes", modal="yes")) as sandbox:
        flow.page.goto(sandbox.url, wait_until="domcontentloaded")
        flow.page.locator(".cookie-banner").wait_for()
        flow.page.get_by_role("dialog").wait_for()
        # One pass closes both: the banner's button is not tried while the modal covers it (it
        # would wait for its click until the timeout and leave the banner for the next pass).
        assert flow.interstitials.dismiss()
        assert flow.page.locator(".cookie-banner, [role=dialog]").count() == 0
        closed = [r["overlay"] for r in read_records(flow.recorder.folder) if r["step"] == "annonce-fermee"]
        assert len(closed) == 2 and "Depuis juillet 2025" in closed[0] and "cookies" in closed[1]
