"""Reading and writing fixed-width e-BDS lines."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from bot.ebds.layout import RECORDS, kind


@dataclass
class Record:
    line: int  # 1-based line number in the file
    type: str
    raw: str
    fields: dict[str, str] = field(default_factory=dict)  # raw field text, not stripped

    def text(self, name: str) -> str:
        return self.fields[name].strip()

    def number(self, name: str) -> int:
        value = self.fields[name].strip()
        return int(value) if value.isascii() and value.isdigit() else 0  # « ² » passes isdigit()


def parse(text: str) -> list[Record]:
    """Splits a file (LF or CRLF) into records; unknown types keep no fields."""
    records = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw and number == len(text.splitlines()):
            continue
        record = Record(number, raw[:3], raw)
        if record.type in RECORDS:
            position = 3
            for name, length in RECORDS[record.type]:
                record.fields[name] = raw[position:position + length]
                position += length
        records.append(record)
    return records


def to_an(value: str) -> str:
    """AN fields: upper case, no accents."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return plain.upper()


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
