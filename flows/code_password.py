"""Screen for the 6-digit SMS code and the password, validated with « Valider »."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bot.otp import parse_code
from flows.context import MARK
from flows.screen import Screen, wait_for_any



class _Answer:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


# What a person working in the page may do instead of handing a code to the bot.
PERSON_SUBMITTED = _Answer("PERSON_SUBMITTED")  # they clicked « Valider » themselves
PERSON_TYPED = _Answer("PERSON_TYPED")  # they typed the code; the bot clicks « Valider »

_FIELD = "data-damancom-field"
# True once the document is gone (the person clicked « Valider »), or, when the bot filled the
# password itself, once the code field holds 6 digits. Without a configured password the bot
# never clicks for the person: it cannot know when they have finished typing it.
_PERSON_DONE = f"""(botSubmits) => {{
  if (window.{MARK} === undefined) return true;
  const code = document.querySelector('[{_FIELD}=code]');
  return botSubmits && !!code && /^\\s*(\\d\\s*){{6}}$/.test(code.value);
}}"""


class CodePasswordScreen(Screen):
    name = "code_password"
    _watching = False
    password_prefilled = False

    def prefill_password(self, password: str) -> None:
        """Headed runs: the password is in place, so the person only has the code to type."""
        if password:
            self.find("password").fill(password)
            self.password_prefilled = True

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

    def validate_typed(self) -> Screen:
        """The person typed the code in the page: check it, then click « Valider » for them."""
        if self._document_replaced():  # they clicked it in the meantime
            return self.after_person_submitted()
        code_field = self.find("code")
        parse_code(code_field.input_value())  # registers it as a secret; 6 digits already checked
        self.shot("code-saisi", [code_field, self.find("password")])
        try:
            self.submit(self.find_optional("submit"), self.find("password"))
        except PlaywrightError:
            if not self._document_replaced():
                raise
        return self.next_screen()

    def _document_replaced(self) -> bool:
        try:
            return self.page.evaluate(f"() => window.{MARK} === undefined")
        except PlaywrightError:  # torn down mid-navigation
            return True

    def watch_person(self, seconds: float):
        """Headed, assisted mode: waits up to `seconds` for the person working in the page.

        Returns PERSON_SUBMITTED, PERSON_TYPED, or None when nothing happened yet.
        """
        if not self._watching:
            self.find("code").evaluate(f"el => el.setAttribute('{_FIELD}', 'code')")
            self.ctx.mark_document()
            self._watching = True
        try:
            self.page.wait_for_function(_PERSON_DONE, arg=self.password_prefilled, timeout=seconds * 1000,
                                        polling=200)
        except PlaywrightTimeout:
            return None
        except PlaywrightError:  # the document went away under us: the person submitted
            return PERSON_SUBMITTED
        return PERSON_SUBMITTED if self._document_replaced() else PERSON_TYPED

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
