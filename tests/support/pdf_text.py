"""A PDF's pages as text (pypdf), to check what a report says where."""

from __future__ import annotations

from pathlib import Path


def pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]
