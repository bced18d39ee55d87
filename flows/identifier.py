"""Identifier screen. Submitting it makes the portal send the SMS code."""

from __future__ import annotations

from bot.errors import CredentialsRejected
from flows.screen import Screen, wait_for_any


class IdentifierScreen(Screen):
    name = "identifier"

    def submit_identifier(self, identifier: str):
        from flows.code_password import CodePasswordScreen

        field = self.find("identifier")
        field.fill(identifier)
        self.shot("identifiant")
        self.submit(self.find_optional("submit"), field)
        screen = wait_for_any(self.ctx, [CodePasswordScreen, IdentifierScreen])
        if isinstance(screen, IdentifierScreen):
            message = screen.error_text() or "aucun message"
            shot = screen.shot("identifiant-refuse")
            raise CredentialsRejected(
                f"Le portail n'a pas accepté l'identifiant (« {message} »). "
                "Vérifiez DAMANCOM_IDENTIFIER dans le fichier .env.", screenshot=shot)
        screen.shot("code-demande")
        return screen
