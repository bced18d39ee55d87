"""What `login` and `declare` share: settings, browser mode, audit folder and hand-over of one run,
and its outcome written for the scheduler. One account; `--all` calls it once per account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass
class RunSetup:
    settings: object  # bot.settings.config.Settings
    headless: bool
    recorder: object  # bot.audit.recorder.Recorder
    person: object  # bot.handover.session.HandOver


def prepare(
    args, env, period: str, *, password_in_window: bool, check: Callable | None = None, kind: str = "connexion"
) -> RunSetup:
    """`password_in_window`: a visible browser lets the person type the password (login --headed).
    `check(settings)` runs before any channel opens (declare: is the file there and sound?); `kind`
    names the audit folder's run (« declaration »)."""
    from bot.audit.recorder import Recorder
    from bot.handover.build import build_handover
    from bot.handover.phone_turn import PhoneMemory
    from bot.output import console
    from bot.schedule.plan import parse_plan
    from bot.settings.config import load_settings

    preview = load_settings(env.environ, need_credentials=False, cwd=env.cwd)
    headless = preview.headless and not getattr(args, "headed", False)
    settings = load_settings(
        env.environ, need_credentials=True, need_password=headless or not password_in_window, cwd=env.cwd
    )
    if check is not None:
        check(settings)
    console.require_display(not headless, env.environ)
    # the report of a login that files nothing still says by when the period must be filed
    recorder = Recorder(
        settings.recordings,
        settings.account,
        period,
        tsa_url=settings.tsa_url,
        kind=kind,
        deadline_of=parse_plan(env.environ).deadline,
        state_dir=settings.state_dir,
    )
    # With --all the terminal cannot tell whose code a line is: `otp --account`, Telegram, the local page.
    terminal = not args.unattended and not getattr(args, "all_accounts", False)
    person = build_handover(
        settings,
        env,
        recorder.run_id,
        terminal=terminal,
        assisted=not headless and settings.auth == "otp",
        unattended=args.unattended,
        extra=(lambda mailbox: PhoneMemory(settings.state_dir, settings.account),),
    )
    return RunSetup(settings, headless, recorder, person)


def run_recorded(args, setup: RunSetup, *, task=None, browser=None):
    """The login run; a failure is written to `--result-json` (the scheduler's child) and raised."""
    from bot.errors import BotError
    from bot.handover import phone_turn
    from bot.run.runner import run_login
    from bot.schedule.attempt import write_result

    try:
        with phone_turn.turn(setup.settings, setup.person.say):  # one code at a time per phone
            return run_login(
                setup.settings, setup.person, setup.recorder, headless=setup.headless, task=task, browser=browser
            )
    except BotError as exc:
        write_result(
            getattr(args, "result_json", None),
            int(exc.exit_code),
            None,
            setup.recorder.folder,
            exc.message,
            reason=getattr(exc, "reason", None),
        )
        raise


def group_steps():
    """What a « compte groupe »'s run borrows from a command's own (bot/run/group.py: Steps)."""
    from bot.run.group import Steps
    from bot.schedule.plan import parse_plan

    return Steps(prepare=prepare, run_recorded=run_recorded, plan_of=parse_plan)
