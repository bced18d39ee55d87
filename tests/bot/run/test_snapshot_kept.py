"""A run surprised by a page keeps its snapshot with what it looked for on it: the strategies come
from `flows/engine/found.py`, handed to `bot/audit/snapshot.py: keep` by the runner (the audit room knows
no flows)."""

from __future__ import annotations

import json

from bot.audit.recorder import Recorder
from bot.errors import UnexpectedPage
from bot.run import runner
from bot.settings.config import load_settings
from tests.support.tiny_portal import TinyPortal

PAGE = '<!doctype html><html><body><label>Identifiant <input name="id"></label><button>Continuer</button></body></html>'


def test_a_surprise_keeps_what_the_bot_looked_for(tmp_path, page):
    recorder = Recorder(tmp_path / "recordings", "PHARMA-DEMO", "2026-10", run_id="test")
    settings = load_settings({"DAMANCOM_STATE_DIR": str(tmp_path / "state")}, need_credentials=False)
    with TinyPortal(PAGE) as tiny:
        page.goto(tiny.url)
        runner._snapshot(recorder, page, UnexpectedPage("l'écran de l'identifiant", tiny.url, "?"), settings)
    kept = json.loads(next(recorder.folder.glob("*-instantane.json")).read_text(encoding="utf-8"))
    screens = {s["screen"]: s for s in kept["screens"]}
    assert "identifier" in screens and screens["identifier"]["elements"], "each screen's strategies, counted"
    assert kept["exit_code"] == 6
