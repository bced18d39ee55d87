"""Opens the hand-over channels a run should offer, from its settings and how it was started."""

from __future__ import annotations

from bot.env import Env
from bot.handover.dropbox import DropboxChannel, handover_dir
from bot.handover.mailbox import Mailbox
from bot.handover.session import HandOver
from bot.handover.terminal import TerminalChannel
from bot.handover.webpage import LocalPageChannel
from bot.output.notify import Budget, Notifier, Sink
from bot.settings.config import Settings


def build_handover(
    settings: Settings,
    env: Env,
    run_id: str,
    *,
    terminal: bool,
    assisted: bool = False,
    unattended: bool = False,
    notifier: Notifier | None = None,
    extra: tuple = (),
) -> HandOver:
    mailbox = Mailbox()
    channels = [factory(mailbox) for factory in extra]
    local_url = None
    if settings.local_page:
        page = LocalPageChannel(mailbox, settings.account)
        channels.append(page)
        local_url = page.url
    channels.append(
        DropboxChannel(
            mailbox, handover_dir(settings.state_dir, settings.account), run_id, local_url, account=settings.account
        )
    )
    if terminal and not unattended:
        channels.append(TerminalChannel(mailbox, env.stdin, env.stdout))
    telegram = _telegram(settings, mailbox)
    if telegram is not None:
        channels.append(telegram)
    notifier = notifier or build_notifier(settings, sink=telegram)
    if telegram is not None:
        telegram.budget = notifier.budget  # its « prêt ? » question counts like a notification
        telegram.start()
    return HandOver(
        mailbox,
        channels,
        account=settings.account,
        code_wait=settings.code_wait,
        ready_wait=settings.ready_wait,
        unattended=unattended,
        assisted=assisted,
        notifier=notifier,
        say=env.say,
        local_url=local_url,
    )


def _telegram(settings: Settings, mailbox: Mailbox):
    if not settings.telegram_token:
        return None
    from bot.handover.telegram import TelegramChannel
    from bot.handover.telegram_api import BotApi

    return TelegramChannel(
        mailbox,
        BotApi(settings.telegram_token, settings.telegram_api),
        settings.telegram_chats,
        settings.account,
        ready_wait=settings.ready_wait,
        code_wait=settings.code_wait,
        sms_chats=settings.telegram_sms_chats,
    )


def build_notifier(settings: Settings, sink: Sink | None = None, now=None) -> Notifier:
    """The notifier of a process: apprise, the Telegram chat when configured, the monthly budget.
    Built here, beside the channels, so `bot/output` knows no channel."""
    if sink is None and settings.telegram_token:
        from bot.handover.telegram import TelegramSink

        sink = TelegramSink.from_settings(settings)
    return Notifier(list(settings.notify), sink=sink, budget=Budget(settings.state_dir, settings.notify_budget, now))
