"""What the bot looked for on a page that surprised it: every selector file's strategies and how
many visible elements each found, for the audit's snapshot (`bot/audit/snapshot.py: keep`)."""

from __future__ import annotations

from pathlib import Path

from bot.output.playwright_fr import first_line
from flows.engine import locate, selectors_data


def strategies_found(page, selectors_dir: Path | None) -> list[dict]:
    """Every screen of the selector files: each element's strategies and how many visible elements
    each one found on this page (the bot wants exactly one), and whether the screen is recognised."""
    screens = []
    for name in selectors_data.screen_names(selectors_dir):
        try:
            spec = selectors_data.load(name, selectors_dir)
        except Exception as exc:  # noqa: BLE001 - a broken file is evidence too
            screens.append({"screen": name, "error": first_line(exc)})
            continue
        elements = {}
        for element, strategies in spec.elements.items():
            elements[element] = [
                {"strategy": locate.describe(s), "visible": _count(page, locate, s)} for s in strategies
            ]
        here = all(any(s["visible"] == 1 for s in elements[e]) for e in spec.recognise)
        screens.append(
            {"screen": name, "label": spec.label, "recognised": here and bool(spec.recognise), "elements": elements}
        )
    return screens


def _count(page, locate, strategy: dict) -> int | None:
    try:
        return locate.build(page, strategy).filter(visible=True).count()
    except Exception:  # noqa: BLE001 - an invalid pattern or a page gone: say so, not fail
        return None
