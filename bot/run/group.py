"""A « compte groupe » in `login --all` / `declare --all`: one login — one SMS — for all the
employers it reaches, then each of them in turn in the same session (bot/settings/accounts.py).

Each employer keeps what it would have alone: its own audit folder (with a line naming the
group's login run), its receipt, its ledger rows (« submitting » before the final click, the
receipt after: bot/run/filing_task.py, which always looks at the portal first, so a period shown
« Déclarée » is never filed again), its line in the summary. Before the login, the employers with
nothing to do are set aside (no file waiting, already filed): no SMS when none is left.

The portal forgetting the session between two employers (or during one): one new login, and the
employers left go on — the one in progress again, from the portal's own view of it.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from loguru import logger

from bot.env import Env
from bot.errors import BadInput, BotError, SessionLost, UnexpectedPage
from bot.exit_codes import ExitCode

MAX_NEW_LOGINS = 2  # the portal losing the session more often than this: it is unstable today


@dataclass(frozen=True)
class Steps:
    """What a group's run borrows from the rooms above this one, handed down by the commands
    (bot/commands/run_setup.py: group_steps): a run's set-up and recorded run, and the planner's
    deadlines (`plan_of(environ)`, bot/schedule/plan.py)."""

    prepare: Callable
    run_recorded: Callable
    plan_of: Callable


@dataclass
class Job:
    """A group's employers, run together by one worker of `--all`."""

    members: list  # bot.settings.accounts.Account, in the file's order

    @property
    def name(self) -> str:
        return self.members[0].group

    @property
    def identifier(self) -> str:
        return self.members[0].identifier


def split(every: list) -> list:
    """The jobs of a `--all` run: each account alone, a group's employers as one Job (at the first
    one's place)."""
    from bot.settings.accounts import groups

    grouped = groups(every)
    jobs, placed = [], set()
    for account in every:
        if not account.group:
            jobs.append(account)
        elif account.group not in placed:
            placed.add(account.group)
            jobs.append(Job(grouped[account.group]))
    return jobs


def only(every: list, names: str | None) -> list:
    """`--all --account NAME[,NAME…]`: the group NAME's employers, or the one account NAME, for
    each name (the scheduler's child: the accounts due in one tick), in the file's order."""
    from bot.errors import ConfigError

    if not names:
        return every
    chosen: set[str] = set()
    for name in (n.strip() for n in names.split(",") if n.strip()):
        found = [a for a in every if a.group == name] or [a for a in every if name in (a.name, a.identifier)]
        if not found:
            known = ", ".join(sorted({a.group for a in every if a.group} | {a.name for a in every}))
            raise ConfigError(f"Compte ou groupe « {name[:80]} » inconnu. Comptes et groupes configurés : {known}.")
        chosen.update(a.name for a in found)
    return [a for a in every if a.name in chosen]


@dataclass
class Member:
    """One employer of the group in this run."""

    account: object  # bot.settings.accounts.Account
    settings: object  # its own Settings (its name, ledger rows, recordings; the group's login)
    environ: dict
    file: Path | None = None
    task: object = None  # a FilingTask when filing
    plan: object = None  # its deadlines (bot/schedule/plan.py: Plan), handed down by Steps.plan_of
    code: int | None = None
    message: str = ""
    folder: str = ""
    seconds: float = 0.0
    state: str | None = None  # the period's state as its space showed it
    periods: list = field(default_factory=list)  # every (label, state) its space listed
    reason: str | None = None  # PersonDeclined's, for the scheduler

    @property
    def name(self) -> str:
        return self.account.name


def run(job: Job, args, env: Env, base: dict, browser, say_lock, *, filing: bool, steps: Steps) -> dict:
    """Every member's fleet.Outcome, by name."""
    from bot.run.fleet import Outcome, _Prefixed

    started = time.monotonic()
    out = _Prefixed(env.stdout, f"[{job.name}] ", say_lock)
    everyone = [Member(a, None, {}) for a in job.members]  # until their settings are read
    try:
        everyone = _members(job, args, env, base, filing, steps.plan_of)
        for member in everyone:
            if member.code == 0:  # nothing to do for it: said before the login, which it does not need
                out.write(f"{member.name} : {member.message}\n")
        waiting = [m for m in everyone if m.code is None]
        if waiting:
            _login_once(job, waiting, args, env, base, out, browser, filing, steps)
    except BotError as exc:  # the group's login itself failed: every employer still waiting hears why
        _unanswered(everyone, int(exc.exit_code), exc.message, getattr(exc, "reason", None))
    except Exception:  # noqa: BLE001 - one group's bug must not stop the other accounts
        logger.opt(exception=True).debug("Erreur inattendue pour le groupe {}", job.name)
    _unanswered(everyone, int(ExitCode.BUG), "Erreur inattendue dans damancom-bot (détail dans le journal).")
    _write_results(getattr(args, "result_json", None), everyone, getattr(args, "period", None) or "")
    outcomes = {}
    for member in everyone:
        code = member.code
        if code:
            out.write(f"{member.name} : erreur : {member.message} (code {code})\n")
        seconds = member.seconds or time.monotonic() - started
        outcomes[member.name] = Outcome(
            member.name, member.account.identifier, code, member.message or "réussi", seconds, member.folder
        )
    return outcomes


def _unanswered(members: list[Member], code: int, message: str, reason: str | None = None) -> None:
    for member in members:
        if member.code is None:
            member.code, member.message, member.reason = code, message, reason


def _members(job: Job, args, env: Env, base: dict, filing: bool, plan_of: Callable) -> list[Member]:
    """Each employer's settings, and, when filing, what `declare` checks before any login."""
    from bot.settings.accounts import account_environ
    from bot.settings.config import load_settings

    members = []
    for account in job.members:
        environ = account_environ(base, account, need_password=True)
        settings = load_settings(environ, need_credentials=True, cwd=env.cwd)
        member = Member(account, settings, environ, plan=plan_of(environ))
        members.append(member)
        if filing:
            try:
                _before_login(member, args.period, args.verifier, unattended=args.unattended)
            except BotError as exc:
                member.code, member.message = int(exc.exit_code), exc.message
    return members


def _before_login(member: Member, period: str, verify: bool, *, unattended: bool = False) -> None:
    """`declare`'s own checks for this employer: a bad file or a period filed costs no SMS. The
    scheduler's run (`unattended`) reads the space of an employer with no file waiting, as its own
    `login` would."""
    from bot.ledger.ledger import DONE, Ledger
    from bot.run.filing_task import FilingTask, check_locally, inbox, waiting_file

    settings = member.settings
    path = waiting_file(settings.state_dir, settings.account, period)
    if path is None and unattended:
        return
    if path is None:
        raise BadInput(
            f"Aucun fichier de déclaration : déposez-le dans {inbox(settings.state_dir, settings.account, period)}."
        )
    check_locally(path, period)
    row = Ledger(settings.state_dir).period(settings.account, period)
    if row is not None and row.state == DONE and not verify:
        receipt = f", accusé de réception {row.receipt}" if row.receipt else ""
        member.code, member.message = 0, f"Déclaration {period} déjà déposée{receipt} : rien n'a été fait."
        member.state = "declared"
        return
    member.file = path
    member.task = FilingTask(path, period, Ledger(settings.state_dir), member.plan)


def _login_once(
    job: Job, waiting: list[Member], args, env: Env, base: dict, out, browser, filing: bool, steps: Steps
) -> None:
    from bot.settings.accounts import account_environ

    login = job.members[0].login
    group_env = Env(
        environ=account_environ(base, login, need_password=True),
        stdin=io.StringIO(""),
        stdout=out,
        stderr=out,
        base_environ=base,
        cwd=env.cwd,
        now=env.now,
    )
    period = getattr(args, "period", None) or ""
    setup = steps.prepare(args, group_env, period, password_in_window=False, kind="connexion")
    names = ", ".join(m.name for m in waiting)
    group_env.say(f"Compte groupe {job.name} ({setup.settings.identifier}) : une connexion, un code SMS, puis {names}.")
    task = GroupTask(waiting, period, filing, setup.recorder, setup.settings)
    with logger.contextualize(account=job.name):
        steps.run_recorded(args, setup, task=task, browser=browser)
    for member in waiting:
        if member.code == 0:
            group_env.say(f"{member.name} : {member.message}")


def _write_results(path: str | None, members: list[Member], period: str) -> None:
    """The scheduler's child (`--result-json`): every employer's outcome (bot/schedule/group.py)."""
    if not path:
        return
    from bot.exit_codes import worst
    from bot.system.files import write_atomic

    write_atomic(
        Path(path),
        {
            "exit_code": worst((m.code or 0) for m in members),
            "members": {
                m.name: {
                    "exit_code": m.code,
                    "period_state": m.state,
                    "audit_folder": m.folder,
                    "message": m.message,
                    "reason": m.reason,
                    "periods": [list(p) for p in m.periods] or None,
                }
                for m in members
            },
        },
    )


@dataclass
class GroupTask:
    """The task of the group's login run (bot/run/runner.py: it keeps the group's list on screen)."""

    group_space = True  # runner: the list is the task's, no affiliate chosen for it
    members: list
    period: str
    filing: bool
    login_recorder: object
    login_settings: object
    new_logins: int = 0
    list_url: str = ""  # the group's list, as the portal addressed it after login
    wants_pdf: bool = field(default=False, init=False)

    @property
    def accounts(self) -> list[str]:
        """Whose scheduler attempts this login serves (the write-ahead marks, bot/run/runner.py)."""
        return [m.name for m in self.members]

    @property
    def outcome(self) -> str:
        done = sum(1 for m in self.members if m.code == 0)
        return f"Compte groupe : {done} employeur(s) sur {len(self.members)} traité(s) dans cette session."

    def __call__(self, space, summary, ctx, person, settings):
        self.list_url = ctx.page.url
        for member in self.members:
            self._member(member, ctx, person)
        self._use(ctx, self.login_recorder)
        return summary

    # one employer ------------------------------------------------------------------------
    def _member(self, member: Member, ctx, person) -> None:
        from bot.audit.recorder import Recorder

        started = time.monotonic()
        s = member.settings
        recorder = Recorder(
            s.recordings,
            s.account,
            self.period,
            tsa_url=s.tsa_url,
            kind="declaration" if self.filing else "connexion",
            deadline_of=member.plan.deadline,
            state_dir=s.state_dir,
        )
        member.folder = str(recorder.folder)
        self._use(ctx, recorder)
        recorder.record(
            "compte-groupe",
            group=member.account.group,
            affiliation=member.account.affiliation,
            login_run=str(self.login_recorder.folder),
        )
        outcome = (ExitCode.BUG, "Erreur inattendue dans damancom-bot.")
        try:
            outcome = (ExitCode.OK, self._work(member, ctx, person))
            member.code, member.message = 0, outcome[1]
        except BotError as exc:
            outcome = (exc.exit_code, exc.message)
            member.code, member.message = int(exc.exit_code), exc.message
            member.reason = getattr(exc, "reason", None)
            _evidence(recorder, ctx.page)
            if isinstance(exc, SessionLost) and self.new_logins >= MAX_NEW_LOGINS:
                raise  # the employers left get this same answer
        finally:
            member.seconds = time.monotonic() - started
            _finish(recorder, ctx.page, outcome, pdf=self.filing and recorder.proof)

    def _work(self, member: Member, ctx, person) -> str:
        """The employer's space reached from the list, read, filed; once more after a lost session."""
        try:
            return self._in_space(member, ctx, person)
        except SessionLost as lost:
            self._login_again(ctx, person, lost)
        except BotError as exc:
            if not (_logged_out(ctx) or _says_session_lost(ctx, exc.message)):
                raise
            self._login_again(ctx, person, SessionLost(exc.message))
        return self._in_space(member, ctx, person)

    def _in_space(self, member: Member, ctx, person) -> str:
        from bot.ledger.ledger import note_login
        from flows import affiliates

        number = member.account.affiliation
        interface = affiliates.choose(ctx, affiliates.back_to_list(ctx, None, self.list_url), number)
        summary = interface.summary()
        ctx.recorder.record(
            "espace-lu",
            employer=summary.employer or "",
            affiliation=summary.affiliation or "",
            state=summary.state_of(ctx.recorder.period) or "absent",
        )
        if summary.affiliation != number:  # never a declaration in another employer's space
            raise UnexpectedPage(
                f"l'espace de l'affilié n° {number}",
                ctx.page.url,
                "",
                ctx.recorder.try_screenshot(ctx.page, "autre-affilie"),
                f"le portail montre le n° d'affiliation {summary.affiliation or 'illisible'}",
            )
        if member.task is not None:
            summary = member.task(interface, summary, ctx, person, member.settings)
        note_login(member.settings.state_dir, member.name, summary, _now())
        member.periods, member.state = list(summary.periods), summary.state_of(ctx.recorder.period)
        if member.task is not None:
            return member.task.outcome or "Déclaration déposée."
        state = summary.state_of(ctx.recorder.period)
        return f"Espace affilié atteint ({summary.employer or number})" + (
            f", période {ctx.recorder.period} « À déclarer »." if state == "to_declare" else "."
        )

    def _login_again(self, ctx, person, lost: SessionLost) -> None:
        """One new login (one new SMS) in the group's own audit folder; the list is on screen after it.
        Its write-ahead marks are the first login's: a kill after this SMS must read as one too."""
        from bot.ledger.ledger import CODE_STEP_DONE, SMS_POSSIBLE
        from bot.run.runner import _note_stage
        from flows.engine.retry import RetryPolicy
        from flows.login import login

        if self.new_logins >= MAX_NEW_LOGINS:
            raise lost
        self.new_logins += 1
        logger.warning("Session perdue par le portail ({}) : nouvelle connexion du compte groupe.", lost.message)
        member_recorder = ctx.recorder
        self._use(ctx, self.login_recorder)
        try:
            s = self.login_settings
            self.login_recorder.record("nouvelle-connexion", reason=lost.message)
            login(
                ctx,
                s.url,
                s.identifier,
                s.password,
                person,
                retry=RetryPolicy(s.retries, s.retry_backoff),
                before_identifier=lambda: _note_stage(s, SMS_POSSIBLE, self.accounts),
            )
            _note_stage(s, CODE_STEP_DONE, self.accounts)
            self.list_url = ctx.page.url
        finally:
            self._use(ctx, member_recorder)

    @staticmethod
    def _use(ctx, recorder) -> None:
        ctx.recorder = recorder
        ctx.interstitials.recorder = recorder


def _now():
    from bot.system import clock

    return clock.now()


def _logged_out(ctx) -> bool:
    """The portal sent the person home, or to the login: the session is gone."""
    from flows.home import HomeScreen
    from flows.identifier import IdentifierScreen

    try:
        return HomeScreen(ctx).is_here() or IdentifierScreen(ctx).is_here()
    except Exception:  # noqa: BLE001 - a page being replaced: not a proof of anything
        return False


def _says_session_lost(ctx, failure: str) -> bool:
    """The portal's own words say the session is gone, though no home page shows (a message on the
    same screen, « Accès refusé : votre session a expiré… »): read as the login reads them
    (selectors' `session_lost`), in the failure or on the page."""
    from flows.identifier import IdentifierScreen

    screen = IdentifierScreen(ctx)
    try:
        shown = ctx.messages.said().text
    except Exception:  # noqa: BLE001 - a page being replaced: the failure's words are still there
        shown = ""
    return any(text and screen.classify(text) == "session_lost" for text in (failure, shown))


def _evidence(recorder, page) -> None:
    try:
        recorder.failure_evidence(page)
    except Exception as exc:  # noqa: BLE001 - evidence is best effort; the outcome is what matters
        logger.debug("Preuves de l'échec non gardées : {}", exc)


def _finish(recorder, page, outcome, *, pdf: bool) -> None:
    """The employer's closing line with its reports; the PDF printed in a page of its own (the
    run's page still shows the portal, and the next employer follows)."""
    from bot.audit.report import write_reports

    ended = recorder.now()
    reports: list = []
    try:
        reports = write_reports(recorder.folder, None, outcome, pdf=False, ended=ended)
        if pdf:
            printer = page.context.new_page()
            try:
                reports = write_reports(recorder.folder, printer, outcome, ended=ended)
            finally:
                printer.close()
    except Exception as exc:  # noqa: BLE001 - a report failure must not hide the filing's outcome
        logger.warning("Rapport non produit pour {} : {}", recorder.account, str(exc).splitlines()[0])
    recorder.finish(outcome[0], outcome[1], ended=ended, reports=reports)
