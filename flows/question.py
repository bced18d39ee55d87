"""A question on the screen that the bot cannot answer itself (a captcha): the person answers it."""

from __future__ import annotations

from pathlib import Path

from flows.engine.screen import Screen

# True once the field holds a value unchanged for 2.5 s (the person finished typing).
ANSWER_STABLE = """(el) => {
  const v = (el.value || '').trim();
  if (!v) { el.__dmcSince = 0; return false; }
  if (el.__dmcValue !== v) { el.__dmcValue = v; el.__dmcSince = Date.now(); return false; }
  return Date.now() - el.__dmcSince > 2500;
}"""


class QuestionScreen(Screen):
    """Not a screen of its own: a part of the current one (usually the identifier screen)."""

    name = "question"

    def prompt(self) -> str:
        field = self.find("answer")
        label = field.evaluate("""el => (el.labels && el.labels[0] && el.labels[0].innerText)
            || el.getAttribute('aria-label') || el.getAttribute('placeholder') || ''""")
        return " ".join((label or "Recopiez les caractères de l'image").split())

    def picture(self) -> Path:
        """A screenshot of the whole screen (secret fields masked): what the person must look at."""
        return self.shot("question-portail")

    def answer_handle(self):
        """The answer field, held across re-renders while the person types (`ANSWER_STABLE`)."""
        return self.find("answer").element_handle()

    def answer(self, text: str) -> None:
        self.find("answer").fill(text)
