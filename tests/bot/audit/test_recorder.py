"""The audit trail's screenshots on a failure path (bot/audit/recorder.py: try_screenshot)."""

from __future__ import annotations

from bot.audit import recorder as recorder_module
from bot.audit.recorder import Recorder

# A web font that never arrives: Playwright's screenshot waits for the page's fonts, as it would for
# a page a loaded PC cannot paint in time.
NEVER_PAINTED = (
    "<style>@font-face { font-family: Lente; src: url(/lente.woff2); }</style><p style='font-family: Lente'>Portail</p>"
)


def test_a_failure_shot_the_page_cannot_paint_in_time_gets_no_second_try(page, tmp_path, monkeypatch):
    """After a reset connection one such page cost 45 s of a run: two shots and the wait between."""
    monkeypatch.setattr(recorder_module, "FAILURE_SHOT_MS", 1_000)
    tries = []
    capture = Recorder._capture
    monkeypatch.setattr(Recorder, "_capture", staticmethod(lambda *a: tries.append(a) or capture(*a)))
    page.route("**/lente.woff2", lambda route: None)  # held: never answered
    page.route("**/portail", lambda route: route.fulfill(content_type="text/html", body=NEVER_PAINTED))
    page.goto("http://127.0.0.1:9/portail", wait_until="domcontentloaded")
    recorder = Recorder(tmp_path / "recordings", "PHARMA-DEMO", "2026-10", run_id="test")
    assert recorder.try_screenshot(page, "portail-injoignable") is None
    assert len(tries) == 1
    assert not list(recorder.folder.glob("*.png"))  # no half a screenshot left as evidence
