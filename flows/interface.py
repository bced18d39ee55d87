"""« Espace affilié »: the declaration interface reached after login."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flows.engine.screen import Screen

DECLARED, TO_DECLARE = "Déclarée", "À déclarer"


@dataclass
class InterfaceSummary:
    employer: str | None
    affiliation: str | None
    periods: list[tuple[str, str]] = field(default_factory=list)  # (period as shown, state)

    def row_of(self, period: str) -> tuple[str, str] | None:
        """The (label as shown, state) of a period given as YYYY-MM, whatever the portal's format."""
        year, month = map(int, period.split("-"))
        for label, state in self.periods:
            digits = re.findall(r"\d+", label)
            numbers = {(int(a), int(b)) for a, b in zip(digits, digits[1:])}
            if (month, year) in numbers or (year, month) in numbers:
                return label, state
        return None

    def state_of(self, period: str) -> str | None:
        """ "declared", "to_declare", or None when the period is not listed."""
        row = self.row_of(period)
        return {DECLARED: "declared", TO_DECLARE: "to_declare"}.get(row[1]) if row else None


class InterfaceScreen(Screen):
    name = "interface"

    def summary(self) -> InterfaceSummary:
        text = self.page.locator("body").inner_text()
        return InterfaceSummary(self._fact(text, "employer"), self._fact(text, "affiliation"), self._periods())

    def _fact(self, text: str, name: str) -> str | None:
        for pattern in self.spec.facts.get(name, []):
            match = re.search(pattern, text, re.IGNORECASE)
            if match:
                return match.group(1).strip()
        return None

    def _periods(self) -> list[tuple[str, str]]:
        table = self.find_optional("periods_table")
        if table is None:
            return []
        rows = []
        for cells in table.locator("tbody tr, tr:has(td)").evaluate_all(
            "rows => [...new Set(rows)].map(r => [...r.cells].map(c => c.innerText.trim()))"
        ):
            if len(cells) >= 2:
                rows.append((cells[0], self._state(cells[1])))
        return rows

    def _state(self, text: str) -> str:
        for kind, label in (("to_declare", TO_DECLARE), ("declared", DECLARED)):
            if any(re.search(p, text.strip(), re.IGNORECASE) for p in self.spec.states.get(kind, [])):
                return label
        return text

    def declared_row(self, period_label: str):
        """The period's row as it reads once « Déclarée » (not necessarily on screen yet)."""
        declared = [re.compile(p, re.IGNORECASE) for p in self.spec.states.get("declared", [])]
        row = self.page.get_by_role("row").filter(has_text=period_label)
        return (row.filter(has=self.page.get_by_role("cell").filter(has_text=declared[0])) if declared else row).first

    def click_period(self, period_label: str) -> None:
        """The period's own page (« Déclarer », or its receipt when declared); see flows/filing.py."""
        link = self.page.get_by_role("row").filter(has_text=period_label).get_by_role("link")
        self.press(link.first, link.first, period_label)

    def logout_control(self):
        """The logout button or link, or None when the screen shows none."""
        return self.find_optional("logout")


class LeftSpaceScreen(Screen):
    """Any page once the affiliate's space and its « Se déconnecter » are gone: where a logout
    leads when the portal's public page offers no way in (the field's portal shows its public home
    page, with only public links). Looked for after the home and entry screens."""

    name = "interface"  # what must be gone is the interface's own

    def is_here(self, sight=None) -> bool:
        return not super().is_here(sight) and self.find_optional("logout") is None
