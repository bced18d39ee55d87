"""Turns selector strategies (data) into Playwright locators, and says which one matched."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from playwright.sync_api import Locator, Page

# The strategy that matched last time, per list of strategies (named by its contents: the same list
# in two selector files is one list): tried first next time, so an element usually costs one round
# trip instead of one per strategy. Earlier runs' winners come back through `recall`.
_winners: dict[str, int] = {}
_prints: dict[int, tuple[list[dict], str]] = {}  # id -> (the list, kept alive so its id stays its own; print)


def _print(strategies: list[dict]) -> str:
    known = _prints.get(id(strategies))
    if known is None or known[0] is not strategies:
        text = json.dumps(strategies, sort_keys=True, ensure_ascii=False)
        known = _prints[id(strategies)] = (strategies, hashlib.sha1(text.encode("utf-8")).hexdigest()[:16])
    return known[1]


def _winner(strategies: list[dict]) -> int | None:
    """The list's last winner, this run's or an earlier run's (still a valid index), else None."""
    index = _winners.get(_print(strategies))
    return index if index is not None and 0 <= index < len(strategies) else None


def recall(saved: Mapping[str, int]) -> None:
    """Earlier runs' winners (`winners()` of a past run), tried first as this run's own are: a
    process starting fresh each month asks for the portal's fields the way that worked. A list
    edited since has other contents, hence no winner."""
    _winners.update({k: v for k, v in saved.items() if isinstance(k, str) and isinstance(v, int)})


def winners() -> dict[str, int]:
    """The winners known now, earlier runs' included: what `recall` takes back."""
    return dict(_winners)


def forget() -> None:
    """A fresh process's memory (the tests start each test from the files' order)."""
    _winners.clear()


@dataclass(frozen=True)
class Found:
    locator: Locator
    strategy: dict

    def describe(self) -> str:
        return describe(self.strategy)


def describe(strategy: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in strategy.items())


def build(page: Page | Locator, strategy: dict) -> Locator:
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
    if "near" in strategy:  # a field announced by a caption next to it, with no <label for>
        return page.locator(near_xpath(strategy["near"]))
    return page.locator(strategy["css"])


def near_xpath(caption: str) -> str:
    """The first field after a short text containing `caption` (case-insensitive); never a password
    (« un code vous a été envoyé » above a password field does not make it the code's field)."""
    lower = caption.lower().replace("'", "")
    upper_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZÉÈÊÀÂÔÛÇ"
    lower_chars = "abcdefghijklmnopqrstuvwxyzéèêàâôûç"
    text = f"translate(normalize-space(.), '{upper_chars}', '{lower_chars}')"
    return (
        f"xpath=(//*[not(self::script or self::style or self::option) and not(*[normalize-space()]) "
        f"and string-length(normalize-space(.)) < 60 and contains({text}, '{lower}')]"
        "/following::*[self::input[not(@type='hidden' or @type='submit' or @type='button' or @type='checkbox' "
        "or @type='radio' or @type='password')] or self::textarea][1])[1]"
    )


def any_of_all(page: Page | Locator, strategies: list[dict]) -> Locator:
    """One locator matching whatever any strategy matches."""
    combined = build(page, strategies[0])
    for strategy in strategies[1:]:
        combined = combined.or_(build(page, strategy))
    return combined


def counts(page: Page | Locator, locators: list[Locator]) -> list[int]:
    """How many elements each locator matches, asked all at once: the queries leave together and
    their answers come back together, one round trip to the browser instead of one per locator
    (the async calls under Playwright's sync API; one after the other where that is not there)."""
    if not hasattr(page, "_sync") or not all(hasattr(loc, "_impl_obj") for loc in locators):
        return [loc.count() for loc in locators]
    if len(locators) < 2:
        return [loc.count() for loc in locators]
    # the coroutine is made here but runs where the driver's loop runs (bot/run/driver.py forwards `_sync`)
    return list(page._sync(_together(locators)))


async def _together(locators: list[Locator]) -> list[int]:
    return await asyncio.gather(*(loc._impl_obj.count() for loc in locators))


class Sight:
    """One look at the page for several elements: `resolve` then answers as `locate.resolve` would
    have, without asking the browser again. The browser answers one query after another, so what a
    look costs is its number of queries. First round trip, one query per list of strategies (a list
    shared by two screens once): last time's winner when it has one, else « any of them? ». Then
    « any of them? » for a winner that no longer finds it; last, for a list something of which is
    there, its other strategies in file order."""

    def __init__(self, page: Page, elements: Iterable[list[dict]]):
        lists = {_print(strategies): strategies for strategies in elements}  # the same list once
        self._found: dict[str, Found | None] = {}
        winners = {key: _winner(strategies) for key, strategies in lists.items()}
        first = [(key, _first_query(lists[key], winners[key])) for key in lists]
        seen = dict(zip(first, _counts(page, [(lists[key], index) for key, index in first])))
        lost = []  # last time's winner no longer finds it: is anything of it there at all?
        for key, index in first:
            if index is not None and seen[key, index] == 1:
                self._keep(page, key, lists[key], index)
            elif winners[key] is not None and len(lists[key]) > 1:
                lost.append((key, None))
            elif index is not None or not seen[key, None]:
                self._found[key] = None  # a list of one that does not find it, or nothing of it at all
        seen.update(zip(lost, _counts(page, [(lists[key], None) for key, _ in lost])))
        rest = [
            (key, i)
            for key in lists
            if key not in self._found and seen[key, None]
            for i in range(len(lists[key]))
            if i != winners[key]
        ]
        counted = dict(zip(rest, _counts(page, [(lists[key], i) for key, i in rest])))
        for key in lists:
            if key not in self._found:
                index = next((i for i in range(len(lists[key])) if counted.get((key, i)) == 1), None)
                self._found[key] = None
                if index is not None:
                    self._keep(page, key, lists[key], index)

    def _keep(self, page, key: str, strategies: list[dict], index: int) -> None:
        _winners[key] = index
        self._found[key] = Found(build(page, strategies[index]).filter(visible=True), strategies[index])

    def covers(self, strategies: list[dict]) -> bool:
        return _print(strategies) in self._found

    def resolve(self, strategies: list[dict]) -> Found | None:
        return self._found[_print(strategies)]


def _first_query(strategies: list[dict], winner: int | None) -> int | None:
    """Last time's winner; else the strategy itself for a list of one; else None: « any of them? »."""
    return winner if winner is not None else (0 if len(strategies) == 1 else None)


def _counts(page, asked: list[tuple[list[dict], int | None]]) -> list[int]:
    def locator(strategies, index):
        return (build(page, strategies[index]) if index is not None else any_of_all(page, strategies)).filter(
            visible=True
        )

    return counts(page, [locator(s, i) for s, i in asked]) if asked else []


def resolve(page: Page, strategies: list[dict], *, remember: bool = True, sight: Sight | None = None) -> Found | None:
    """The first strategy that finds exactly one visible element, right now (no waiting).
    `remember`: try last time's winner first (a run); False reports the first in file order (doctor).
    `sight`: a look already taken at the page (`Sight`), when it covers these strategies."""
    if sight is not None and remember and sight.covers(strategies):
        return sight.resolve(strategies)
    winner = _winner(strategies) if remember else None
    if winner is not None:
        found = _exactly_one(page, strategies, winner)
        if found is not None:
            return found
    if len(strategies) > 1 and any_of_all(page, strategies).filter(visible=True).count() == 0:
        return None  # nothing at all: one round trip instead of one per strategy
    for index in range(len(strategies)):
        if index != winner:
            found = _exactly_one(page, strategies, index)
            if found is not None:
                if remember:
                    _won(strategies, index)
                return found
    return None


def _won(strategies: list[dict], index: int) -> None:
    _winners[_print(strategies)] = index


def _exactly_one(page, strategies: list[dict], index: int) -> Found | None:
    visible = build(page, strategies[index]).filter(visible=True)
    return Found(visible, strategies[index]) if visible.count() == 1 else None
