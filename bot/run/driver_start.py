"""Starting Playwright's driver (its Node.js process), the same way wherever the bot starts one.

Node.js compiles the driver's JavaScript (several megabytes) at every start; with a compile cache
it reads the compiled code back instead (measured here: 0.57 → 0.42 s per start, 0.67 → 0.51 s of
CPU). The cache lives in the user's cache folder (on Windows %LOCALAPPDATA%, never synced by
OneDrive), is keyed by Node's version and the files' contents, and is only an optimisation: a
folder Node cannot write is ignored without a word. A NODE_COMPILE_CACHE the person set wins.

A process that runs the bot many times (the test suite's in-process runs) may keep one driver for
all of them (`keep`, a `bot/run/driver.py: SharedDriver`): a run then starts no Node.js of its own.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

NODE_CACHE = "NODE_COMPILE_CACHE"
_kept = None  # the SharedDriver every run of this process uses, when one is kept


def node_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("damancom-bot", appauthor=False)) / "node"


def sync_playwright():
    """`playwright.sync_api.sync_playwright()`, its driver started with Node's compile cache
    (Playwright hands this process's environment to the driver)."""
    from playwright.sync_api import sync_playwright as started

    os.environ.setdefault(NODE_CACHE, str(node_cache_dir()))
    return started()


def keep(driver) -> None:
    """From now on the runs of this process use `driver` (None: each starts its own again)."""
    global _kept
    _kept = driver


@contextmanager
def playwright_for_run():
    """The Playwright a run launches or reaches its browser with: the kept driver's while it runs,
    else one started for this run and stopped after it (which also ends the browsers it started)."""
    kept = _kept
    if kept is not None and kept.running():
        yield kept.playwright
        return
    with sync_playwright() as playwright:
        yield playwright
