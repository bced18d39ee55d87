"""What the checker found: errors refuse the file, warnings are shown and the file is accepted.

Every finding names its line, record, field and columns, with what was found and what was expected,
in French. The list is bounded: a file of garbage gives a few hundred messages and a count, never
megabytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ebds.layout import RECORDS, columns

KEEP = 1000  # findings kept per kind; the rest are only counted


def _printable(text: str) -> str:
    """Control bytes never reach a console (a NUL or an escape sequence in a message)."""
    return "".join(c if c.isprintable() else "?" for c in text)


@dataclass(frozen=True)
class Problem:
    line: int
    record: str
    field: str
    found: str
    expected: str
    warning: bool = False
    in_preetabli: bool = False  # a line of the préétabli, not of the declaration

    def __str__(self) -> str:
        where = f"ligne {self.line}, enregistrement {self.record or '?'}" if self.line else "fichier"
        if self.in_preetabli:
            where = "préétabli, " + where
        if self.field and self.record in RECORDS and self.field in dict(RECORDS[self.record]):
            first, last = columns(self.record, self.field)
            where += f", champ {self.field} (colonnes {first}-{last})"
        elif self.field:
            where += f", {self.field}"
        return f"{where} : trouvé « {self.found} », attendu {self.expected}."


@dataclass
class Findings:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    more_errors: int = 0  # found but not kept
    more_warnings: int = 0

    def add(
        self,
        record,
        name: str,
        found,
        expected: str,
        *,
        warning: bool = False,
        line: int | None = None,
        in_preetabli: bool = False,
    ) -> None:
        kept, more = (self.warnings, "more_warnings") if warning else (self.errors, "more_errors")
        if len(kept) >= KEEP:
            setattr(self, more, getattr(self, more) + 1)
            return
        shown = _printable(str(found))
        if len(shown) > 80:
            shown = shown[:80] + "…"
        kept.append(
            Problem(
                line if line is not None else (record.line if record else 0),
                _printable(record.type) if record else "",
                name,
                shown,
                expected,
                warning,
                in_preetabli,
            )
        )

    def keep(self, problem: Problem) -> None:
        kept, more = (self.warnings, "more_warnings") if problem.warning else (self.errors, "more_errors")
        if len(kept) >= KEEP:
            setattr(self, more, getattr(self, more) + 1)
        else:
            kept.append(problem)

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.more_warnings
