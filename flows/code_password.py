"""Screen for the 6-digit SMS code and the password, validated with « Valider »."""

from __future__ import annotations

from flows.screen import Screen, wait_for_any


class CodePasswordScreen(Screen):
    name = "code_password"

    def validate(self, code: str, password: str) -> Screen:
        """Types both secrets, clicks « Valider »; returns whichever screen comes next."""
        from flows.home import HomeScreen
        from flows.identifier import IdentifierScreen
        from flows.interface import InterfaceScreen

        code_field, password_field = self.find("code"), self.find("password")
        code_field.fill(code)
        password_field.fill(password)
        self.shot("code-saisi", [code_field, password_field])
        self.submit(self.find_optional("submit"), password_field)
        return wait_for_any(self.ctx, [InterfaceScreen, CodePasswordScreen, IdentifierScreen, HomeScreen])

    def refusal(self) -> tuple[str | None, str]:
        """What the portal said after a refused « Valider »: (kind from the selector file, text)."""
        text = self.error_text() or ""
        return self.classify(text), text
