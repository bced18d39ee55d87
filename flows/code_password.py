"""Screen for the 6-digit SMS code and the password, validated with « Valider »."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bot.errors import InvalidCode
from bot.otp import parse_code
from flows.context import MARK
from flows.screen import Screen, wait_for_any

PERSON_SUBMITTED = None
_FIELD = "data-damancom-field"
# True once the document is gone (the person clicked « Valider ») or both fields look complete.
_PERSON_DONE = f"""() => {{
  if (window.{MARK} === undefined) return true;
  const code = document.querySelector('[{_FIELD}=code]'), pwd = document.querySelector('[{_FIELD}=password]');
  return !!code && !!pwd && /^\\s*(\\d\\s*){{6}}$/.test(code.value) && pwd.value.length > 0;
}}"""


class CodePasswordScreen(Screen):
    name = "code_password"
    _watching = False

    def validate(self, code: str, password: str) -> Screen:
        """Types the code (and the password when configured), clicks « Valider »; returns the next screen."""
        code_field, password_field = self.find("code"), self.find("password")
        code_field.fill(code)
        if password:
            password_field.fill(password)
        self.shot("code-saisi", [code_field, password_field])
        self.submit(self.find_optional("submit"), password_field)
        return self.next_screen()

    def next_screen(self) -> Screen:
        from flows.home import HomeScreen
        from flows.identifier import IdentifierScreen
        from flows.interface import InterfaceScreen

        return wait_for_any(self.ctx, [InterfaceScreen, CodePasswordScreen, IdentifierScreen, HomeScreen])

    def after_person_submitted(self) -> Screen:
        self.ctx.wait_new_document()
        return self.next_screen()

    def watch_person(self, seconds: float) -> str | None:
        """Headed, assisted mode: waits up to `seconds` for the person working in the page.

        Returns the code they typed (the bot then clicks « Valider »), PERSON_SUBMITTED when they
        clicked it themselves, or "" when nothing happened yet.
        """
        if not self._watching:
            self.find("code").evaluate(f"el => el.setAttribute('{_FIELD}', 'code')")
            self.find("password").evaluate(f"el => el.setAttribute('{_FIELD}', 'password')")
            self.ctx.mark_document()
            self._watching = True
        try:
            self.page.wait_for_function(_PERSON_DONE, timeout=seconds * 1000, polling=200)
            if self.page.evaluate(f"() => window.{MARK} === undefined"):
                return PERSON_SUBMITTED
        except PlaywrightTimeout:
            return ""
        except PlaywrightError:  # the document went away under us: the person submitted
            return PERSON_SUBMITTED
        try:
            return parse_code(self.find("code").input_value())
        except InvalidCode:
            return ""

    def resend(self) -> bool:
        """« Renvoyer le code », when the portal offers it. False when it does not."""
        button = self.find_optional("resend")
        if button is None:
            return False
        self.submit(button, button)
        wait_for_any(self.ctx, [CodePasswordScreen])
        self.shot("code-renvoye")
        return True

    def refusal(self) -> tuple[str | None, str]:
        """What the portal said after a refused « Valider »: (kind from the selector file, text)."""
        text = self.error_text() or ""
        return self.classify(text), text
