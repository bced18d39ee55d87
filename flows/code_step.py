"""The code step as the person's side sees it (`bot/handover/session.py`): asking the portal for a new
SMS, and watching what the person does in a visible browser (the code, a captcha's answer). The
waiting is here and in the engine; the screens only find and press."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError

from flows.code_password import PERSON_DONE, CodePasswordScreen, PersonDid
from flows.engine.context import FlowContext
from flows.engine.step import act, until
from flows.portal_map import AFTER_RESEND
from flows.question import ANSWER_STABLE, QuestionScreen


class CodeStep:
    def __init__(self, ctx: FlowContext, screen: CodePasswordScreen):
        self.ctx, self.screen = ctx, screen

    def resend(self) -> bool:
        """« Renvoyer le code », when the portal offers it: False when it does not. The portal stays
        on this screen (a new document or a message says the new SMS went out)."""
        button = self.screen.resend_button()
        if button is None:
            return False
        act(
            self.ctx,
            lambda: self.screen.press(button, button, "Renvoyer le code"),
            expect=AFTER_RESEND,
            current=self.screen,
            what="« Renvoyer le code »",
        )
        self.screen.shot("code-renvoye")
        return True

    def watch_person(self, seconds: float) -> PersonDid | None:
        """Waits up to `seconds` for the person: PersonDid.SUBMITTED once the screen is gone
        (they clicked « Valider »), PersonDid.TYPED once the code is complete and the bot filled the
        password itself, None when nothing happened yet. Without a configured password the bot
        never clicks for the person: it cannot know when they have finished typing it."""
        if not self.screen.mark_code_field():  # the person was quicker than the bot: the screen is gone
            return PersonDid.SUBMITTED
        done = until(self.ctx.page, PERSON_DONE, self.screen.password_prefilled, seconds)
        if done is False:
            return None
        if done is None:  # the document went away under us: the person submitted
            return PersonDid.SUBMITTED
        return PersonDid.TYPED if self.screen.code_field_shown() else PersonDid.SUBMITTED


def typed_answer(ctx: FlowContext, question: QuestionScreen, seconds: float) -> str | None:
    """Headed runs: what the person typed in the question's answer field, once it stopped changing."""
    try:
        handle = question.answer_handle()
        if not until(ctx.page, ANSWER_STABLE, handle, seconds, polling=250):
            return None
        return handle.input_value().strip() or None
    except PlaywrightError:
        return None
