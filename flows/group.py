"""« Espace groupe »: a « compte groupe » (an accountant's login) lists the affiliates it reaches;
picking one opens that affiliate's usual space. Which screen follows: `flows/affiliates.py`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.engine.screen import Screen
from flows.interface import InterfaceSummary

NUMBER = re.compile(r"^\s*(\d{5,})\s*$")


@dataclass(frozen=True)
class Affiliate:
    employer: str
    affiliation: str


class GroupScreen(Screen):
    name = "group"

    def affiliates(self) -> list[Affiliate]:
        """Every row of the list: its raison sociale and its number (whatever the column order)."""
        table = self.find("affiliates_table")
        found = []
        for cells in table.locator("tbody tr, tr:has(td)").evaluate_all(
            "rows => [...new Set(rows)].map(r => [...r.cells].map(c => c.innerText.trim()))"
        ):
            number = next((NUMBER.match(c)[1] for c in cells if NUMBER.match(c)), None)
            name = next((c for c in cells if c and not NUMBER.match(c) and not self._is_choice(c)), "")
            if number:
                found.append(Affiliate(name, number))
        return found

    def group_name(self) -> str | None:
        text = self.page.locator("body").inner_text()
        for pattern in self.spec.facts.get("group", []):
            match = re.search(pattern, text, re.IGNORECASE)
            if match:
                return match.group(1).strip()
        return None

    def summary(self) -> InterfaceSummary:
        """What the login run records as the space it reached: the group's name, no period."""
        return InterfaceSummary(self.group_name(), None, [])

    def choose(self, affiliation: str) -> None:
        """Clicks the control of the affiliate's row (« Choisir » or the like)."""
        # the number's own cell: a row's text runs its cells together (« n°1 » then « 1000001 »)
        number = self.page.get_by_role("cell", name=affiliation, exact=True)
        rows = self.page.get_by_role("row").filter(has=number)
        if rows.count() == 0:
            raise self.unexpected(f"l'affilié n° {affiliation} n'est pas dans la liste du compte groupe")
        row = rows.first
        controls = row.get_by_role("button").or_(row.get_by_role("link"))
        words = [re.compile(p, re.IGNORECASE) for p in self.spec.states.get("choose", [])]
        named = [controls.filter(has_text=w) for w in words] + [row.get_by_role("button", name=w) for w in words]
        control = next((c.first for c in named if c.count() > 0), controls.first)
        self.press(control, control, f"Choisir (affilié n° {affiliation})")

    def logout_control(self):
        return self.find_optional("logout")

    def _is_choice(self, text: str) -> bool:
        return any(re.search(p, text, re.IGNORECASE) for p in self.spec.states.get("choose", []))

    def change_control(self):
        """On an affiliate's space: the way back to the list, or None."""
        return self.find_optional("change_link")
