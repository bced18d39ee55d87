"""Turns selector strategies (data) into Playwright locators, and says which one matched."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page


@dataclass(frozen=True)
class Found:
    locator: Locator
    strategy: dict

    def describe(self) -> str:
        return describe(self.strategy)


def describe(strategy: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in strategy.items())


def build(page: Page, strategy: dict) -> Locator:
    exact = bool(strategy.get("exact", False))

    def words(value: str):  # `regex: true` turns the wording into a case-insensitive pattern
        return re.compile(value, re.IGNORECASE) if strategy.get("regex") else value

    if "role" in strategy:
        if "name" in strategy:
            return page.get_by_role(strategy["role"], name=words(strategy["name"]), exact=exact)
        return page.get_by_role(strategy["role"])
    if "label" in strategy:
        return page.get_by_label(words(strategy["label"]), exact=exact)
    if "text" in strategy:
        return page.get_by_text(words(strategy["text"]), exact=exact)
    if "placeholder" in strategy:
        return page.get_by_placeholder(words(strategy["placeholder"]), exact=exact)
    return page.locator(strategy["css"])


def any_of(page: Page, strategies: list[dict]) -> Locator:
    """One locator matching whatever any strategy matches: something to wait on."""
    combined = build(page, strategies[0])
    for strategy in strategies[1:]:
        combined = combined.or_(build(page, strategy))
    return combined.filter(visible=True).first


def resolve(page: Page, strategies: list[dict]) -> Found | None:
    """The first strategy that finds exactly one visible element, right now (no waiting)."""
    for strategy in strategies:
        visible = build(page, strategy).filter(visible=True)
        if visible.count() == 1:
            return Found(visible, strategy)
    return None
