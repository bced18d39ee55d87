"""Reading and writing fixed-width e-BDS lines.

Reading is linear in the input and splits only on `\\n` (a `\\r` just before it is dropped): the
layout knows no other line break, and `str.splitlines` would also break on `\\x0b \\x0c \\x1c-\\x1e
\\x85`, turning one bad byte into a shifted line. A record keeps its raw line and slices its
fields on demand, so a large file costs little more memory than its text.
"""

from __future__ import annotations

from bot.ebds.layout import OFFSETS, RECORDS, kind
from bot.ebds.translit import to_portal


class Record:
    __slots__ = ("line", "type", "raw", "memo", "texts")

    def __init__(self, line: int, type: str, raw: str):
        self.line = line  # 1-based line number in the file
        self.type = type
        self.raw = raw
        self.memo: dict | None = None  # numbers and texts already read, while the checker works on this line
        self.texts: dict | None = None

    @property
    def fields(self) -> dict[str, str]:
        """Raw field text, not stripped; empty for an unknown record type."""
        return {name: self.raw[start:end] for name, (start, end) in OFFSETS.get(self.type, {}).items()}

    def field(self, name: str) -> str:
        start, end = OFFSETS[self.type][name]
        return self.raw[start:end]

    def text(self, name: str) -> str:
        if self.texts is not None:
            return self.texts[name]
        return self.field(name).strip()

    def number(self, name: str) -> int:
        if self.memo is not None:
            return self.memo[name]
        return _number(self.field(name))

    def remember(self) -> None:
        """Reads every field once (numbers as int, text stripped) until `forget`: the checker's many
        rules then cost a dictionary look-up each."""
        raw, offsets = self.raw, OFFSETS[self.type]
        self.texts = {name: raw[start:end].strip() for name, (start, end) in offsets.items()}
        self.memo = {name: int(text) if text.isascii() and text.isdigit() else 0 for name, text in self.texts.items()}

    def forget(self) -> None:
        self.memo = self.texts = None

    def __repr__(self) -> str:
        return f"Record({self.line}, {self.type!r})"


def _number(value: str) -> int:
    value = value.strip()
    # ASCII digits only: « ² » passes str.isdigit() and int() then raises.
    return int(value) if value.isascii() and value.isdigit() else 0


def lines_of(text: str) -> list[str]:
    """The file's lines: split on LF only, one CR before it dropped, a final empty line ignored."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [raw[:-1] if raw.endswith("\r") else raw for raw in lines]


def mixed_line_ends(text: str) -> tuple[int, str, int] | None:
    """(first line whose end differs from line 1's, how line 1 ends, how many lines differ) when LF and
    CRLF are mixed; None when every line ends alike. Linear: one pass over the line breaks."""
    crlf_count = text.count("\r\n")
    if crlf_count in (0, text.count("\n")):
        return None
    first_crlf, first_other, others, line = None, 0, 0, 0
    start = 0
    while (end := text.find("\n", start)) != -1:
        line += 1
        crlf = end > 0 and text[end - 1] == "\r"
        if first_crlf is None:
            first_crlf = crlf
        elif crlf != first_crlf:
            others += 1
            first_other = first_other or line
        start = end + 1
    return (first_other, "CRLF" if first_crlf else "LF", others) if others else None


def parse(text: str) -> list[Record]:
    """Splits a file (LF or CRLF) into records; unknown types keep no fields."""
    return [Record(number, raw[:3], raw) for number, raw in enumerate(lines_of(text), start=1)]


def to_an(value: str) -> str:
    """AN fields: the portal's alphabet (upper case, no accents)."""
    return to_portal(value, keep="-'.,/&()")[0]


def line(record_type: str, values: dict[str, object]) -> str:
    """One 260-character line; missing fields are blank (AN) or zero (N)."""
    parts = [record_type]
    for name, length in RECORDS[record_type]:
        value = values.get(name)
        if kind(name) == "filler":
            parts.append(" " * length)
        elif kind(name) == "N":
            parts.append(str(value if value is not None else 0).rjust(length, "0") if value != "" else " " * length)
        else:
            parts.append(to_an(str(value or "")).ljust(length)[:length])
    return "".join(parts)
