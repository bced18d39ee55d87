"""Opens the hand-over channels a run should offer, from its settings and how it was started."""

from __future__ import annotations

from bot.config import Settings
from bot.env import Env
from bot.handover.dropbox import DropboxChannel, handover_dir
from bot.handover.mailbox import Mailbox
from bot.handover.session import HandOver
from bot.handover.terminal import TerminalChannel
from bot.handover.webpage import LocalPageChannel
from bot.notify import Notifier


def build_handover(settings: Settings, env: Env, run_id: str, *, terminal: bool, assisted: bool = False,
                   unattended: bool = False, notifier: Notifier | None = None, extra: tuple = ()) -> HandOver:
    mailbox = Mailbox()
    channels = [factory(mailbox) for factory in extra]
    local_url = None
    if settings.local_page:
        page = LocalPageChannel(mailbox, settings.account)
        channels.append(page)
        local_url = page.url
    channels.append(DropboxChannel(mailbox, handover_dir(settings.state_dir, settings.account), run_id, local_url,
                                   account=settings.account))
    if terminal and not unattended:
        channels.append(TerminalChannel(mailbox, env.stdin, env.stdout))
    return HandOver(mailbox, channels, account=settings.account, code_wait=settings.code_wait,
                    ready_wait=settings.ready_wait, unattended=unattended, assisted=assisted,
                    notifier=notifier or Notifier(list(settings.notify)), say=env.say, local_url=local_url)
