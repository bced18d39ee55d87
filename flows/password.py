"""A password asked on a screen of its own, before the code's (« Suivant »): some portals split
them, as one of the field's scripts saw. The code's screen then asks for the code alone."""

from __future__ import annotations

from dataclasses import replace

from flows.code_password import CodePasswordScreen
from flows.engine.context import FlowContext
from flows.engine.screen import Screen


class PasswordScreen(Screen):
    name = "password"

    def watched(self) -> list[list[dict]]:
        return [*super().watched(), self.spec.elements["next"]]

    def is_here(self, sight=None) -> bool:
        sight = sight or self.look()
        return super().is_here(sight) and self._resolve("next", sight) is not None

    def fill(self, password: str) -> None:
        field = self.find("password")
        field.fill(password)
        self.shot("mot-de-passe-saisi", [field])

    def send(self) -> None:
        self.press(self.find_optional("next"), self.find("password"), "Suivant")


class CodeAloneScreen(CodePasswordScreen):
    """The code's screen once the password was given on its own screen: the same elements, no password."""

    def __init__(self, ctx: FlowContext):
        super().__init__(ctx)
        self.spec = replace(
            self.spec, label="saisie du code SMS (mot de passe déjà donné)", recognise=["code"], absent=["password"]
        )

    def prefill_password(self, password: str) -> None:
        pass  # given on the screen before

    def fill(self, code: str, password: str) -> None:
        self.shot("code-saisi", [self.fill_code(code)])

    def send(self) -> None:
        self.press(self.find_optional("submit"), self.find("code"), "Valider")
