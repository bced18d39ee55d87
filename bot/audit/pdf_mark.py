"""The PDF report says which run it renders: its title (the PDF's /Title, written by Chromium from
the page's title) names the run and the hash of the report.html it was printed from. A report.pdf
copied from another run, or printed from another report.html, no longer matches."""

from __future__ import annotations

import re
from pathlib import Path

from bot.audit.manifest import read_records, sha256_file

HEAD = 64 * 1024  # Chromium (Skia) writes the document's /Info dictionary first
_MARK = re.compile(r"exécution ([0-9A-Za-z_-]{1,40}) \(report\.html ([0-9a-f]{16})\)")
_TITLE = re.compile(rb"/Title\s*(<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\))", re.S)


def title_for(folder: Path, html: Path) -> str:
    first = read_records(folder)[0]
    return (
        f"Rapport damancom-bot - {first.get('account', '')} - {first.get('period', '')} - "
        f"exécution {first.get('run_id', '')} (report.html {sha256_file(html)[:16]})"
    )


def read_mark(pdf: Path) -> tuple[str, str] | None:
    """(run id, report.html hash prefix) named by the PDF's title; None when it names none."""
    with open(pdf, "rb") as handle:
        head = handle.read(HEAD)
    found = _TITLE.search(head)
    mark = _MARK.search(_decode(found.group(1))) if found else None
    return (mark.group(1), mark.group(2)) if mark else None


def _decode(raw: bytes) -> str:
    if raw.startswith(b"<"):
        digits = re.sub(rb"\s", b"", raw[1:-1]).decode("ascii")
        data = bytes.fromhex(digits + "0" * (len(digits) % 2))
        return data[2:].decode("utf-16-be", "replace") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
    body = re.sub(rb"\\([()\\])", rb"\1", raw[1:-1])
    return body.decode("latin-1")
