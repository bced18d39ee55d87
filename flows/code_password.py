"""Screen for the 6-digit SMS code and the password, validated with « Valider »."""

from __future__ import annotations

import re
from enum import Enum

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator

from bot.handover.code import parse_code
from flows.engine.screen import Screen


class PersonDid(Enum):
    """What a person working in the browser window did instead of handing a code to the bot."""

    SUBMITTED = "submitted"  # they clicked « Valider » themselves
    TYPED = "typed"  # they typed the code; the bot clicks « Valider »


_BOXES = "input[maxlength='1']:not([type=password]):not([type=hidden])"
_CODE = "data-damancom-champ"
# The code the person typed: one field, or one box per digit (read in page order).
_TYPED = f"""() => {{
  const one = document.querySelector('[{_CODE}=code]');
  if (!one) return '';
  if (one.maxLength !== 1) return one.value;
  return [...document.querySelectorAll("{_BOXES}")].map(b => b.value).join('');
}}"""
# The person is done with the marked code field: it is gone (they clicked « Valider »), or, when the
# bot submits for them (`arg`: the password is prefilled), it holds six digits.
PERSON_DONE = f"""(botSubmits) => {{
  const one = document.querySelector('[{_CODE}=code]');
  if (!one || !one.isConnected || one.offsetParent === null) return true;
  return botSubmits && /^\\s*(\\d\\s*){{6}}$/.test(({_TYPED})());
}}"""


class CodePasswordScreen(Screen):
    name = "code_password"
    password_prefilled = False

    # the fields, as a person fills them -------------------------------------------------
    def fill_code(self, code: str) -> Locator:
        """Types the code into its field, or digit by digit into one box per digit (auto-advance
        or not). Returns what to mask on screenshots."""
        field = self.find("code")
        boxes = self.page.locator(_BOXES).filter(visible=True)
        if field.get_attribute("maxlength") != "1" or boxes.count() < len(code):
            field.fill(code)
            return field
        boxes.first.click()
        for digit in code:
            self.page.keyboard.type(digit)
        if self._boxes_value(boxes) != code:  # no auto-advance: one box at a time
            for index, digit in enumerate(code):
                boxes.nth(index).fill(digit)
        if self._boxes_value(boxes) != code:
            raise self.unexpected("les cases du code n'acceptent pas la saisie chiffre par chiffre")
        return boxes

    @staticmethod
    def _boxes_value(boxes: Locator) -> str:
        return "".join(boxes.evaluate_all("els => els.map(e => e.value)"))[:6]

    def prefill_password(self, password: str) -> None:
        """Headed runs: the password is in place, so the person only has the code to type."""
        if password:
            self.find("password").fill(password)
            self.password_prefilled = True

    def fill(self, code: str, password: str) -> None:
        code_fields = self.fill_code(code)
        password_field = self.find("password")
        if password:
            password_field.fill(password)
        self.shot("code-saisi", [code_fields, password_field])

    def send(self) -> None:
        self.press(self.find_optional("submit"), self.find("password"), "Valider")

    def masked_phone(self) -> str | None:
        """« 06 •• •• •• 78 » as the screen shows it, when it does."""
        try:
            text = self.page.locator("body").inner_text(timeout=2000)
        except PlaywrightError:
            return None
        match = re.search(r"\d{2}(?:\s*[•*xX]{1,2}){3,4}\s*\d{2}", text)
        return match.group(0) if match else None

    # a person working in the visible browser (headed, assisted runs) -----------------------
    def mark_code_field(self) -> bool:
        """Marks the code field so the page can be watched for the person's typing (`PERSON_DONE`);
        False when it is already gone (the person was quicker than the bot)."""
        field = self.find_optional("code")
        if field is None:
            return False
        try:
            field.evaluate(f"el => el.setAttribute('{_CODE}', 'code')")
        except PlaywrightError:
            return False
        return True

    def code_field_shown(self) -> bool:
        try:
            return self.page.locator(f"[{_CODE}=code]").filter(visible=True).count() == 1
        except PlaywrightError:
            return False

    def typed_code(self) -> None:
        """The person typed the code in the page: check it (and register it as a secret)."""
        parse_code(self.page.evaluate(_TYPED))
        self.shot("code-saisi", [self.page.locator(_BOXES), self.find("code"), self.find("password")])

    def resend_button(self) -> Locator | None:
        """« Renvoyer le code », when the portal offers it."""
        return self.find_optional("resend")

    # after a refusal --------------------------------------------------------------------
    def refusal(self, message: str) -> str | None:
        """What the portal's message means: a kind from the selector file, or None."""
        return self.classify(message) if message else None
