"""Playwright's driver starts with Node's compile cache, wherever the bot starts one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.run import driver_start

ROOT = Path(__file__).resolve().parents[3]


def test_the_driver_gets_a_compile_cache_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("NODE_COMPILE_CACHE", raising=False)
    monkeypatch.setattr(driver_start, "node_cache_dir", lambda: tmp_path / "cache" / "node")
    manager = driver_start.sync_playwright()  # not entered: no driver is started here
    assert type(manager).__name__ == "PlaywrightContextManager"
    assert os.environ["NODE_COMPILE_CACHE"] == str(tmp_path / "cache" / "node")


def test_a_cache_the_person_chose_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("NODE_COMPILE_CACHE", str(tmp_path / "mine"))
    driver_start.sync_playwright()
    assert os.environ["NODE_COMPILE_CACHE"] == str(tmp_path / "mine")


def test_the_cache_is_not_in_the_roaming_profile(monkeypatch):
    """OneDrive and roaming profiles sync the data folders: compiled JavaScript belongs in the cache."""
    folder = str(driver_start.node_cache_dir()).lower()
    assert "cache" in folder and folder.endswith("node")


@pytest.mark.parametrize("folder", ["bot", "flows"])
def test_no_module_starts_playwright_another_way(folder):
    starts = re.compile(r"from playwright\.sync_api import .*\bsync_playwright\b")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "driver_start.py" and starts.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
