"""Identifier screen. Sending it makes the portal send the SMS code."""

from __future__ import annotations

from flows.engine.screen import Screen


class IdentifierScreen(Screen):
    name = "identifier"

    def fill_identifier(self, identifier: str) -> None:
        self.find("identifier").fill(identifier)
        self.shot("identifiant")

    def send(self) -> None:
        self.press(self.find_optional("submit"), self.find("identifier"), "Continuer")
