"""Filing the declaration after login: préétabli, local check, upload, totals, validate, receipt.

Exactly once: the ledger says « submitting » before the final click and « done » with the receipt
reference after it. Whatever happened in between, a later run first looks at the portal: a period
shown « Déclarée » is never uploaded again; its receipt is fetched instead.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from loguru import logger

from bot.ebds.check import check
from bot.ebds.records import parse
from bot.errors import BotError, FileRefused, PersonDeclined, UnexpectedPage
from bot.exit_codes import ExitCode
from bot.ledger.ledger import Ledger
from bot.output.french import money
from bot.system import clock
from bot.system.state_paths import inbox, waiting_file  # noqa: F401 - where `declare` finds them
from flows import filing
from flows.declaration import ConfirmationScreen, DeclarationScreen, ReceiptScreen
from flows.interface import DECLARED, InterfaceSummary


class FileRefusedLocally(FileRefused):
    """The file breaks the e-BDS rules: nothing was uploaded (exit 2: the input is wrong)."""

    exit_code = ExitCode.BAD_INPUT


class FileRefusedByPortal(FileRefused):
    """The portal's own check refused the file (exit 5, README); not a refused login."""


class TotalsDiffer(BotError):
    exit_code = ExitCode.SCREENS_CHANGED


def check_locally(
    file: Path, period: str, text: str | None = None, *, preetabli: str | None = None, affiliate: str | None = None
) -> None:
    """The e-BDS rules, on this computer. Before login (no préétabli, no affiliation yet): a bad
    file costs no SMS. After login, again with the préétabli and the affiliation read on the portal."""
    if text is None:
        text = file.read_bytes().decode("latin-1")
    problems = check(text, preetabli=preetabli, affiliate=affiliate, period=period)
    if problems:
        listed = " ; ".join(map(str, problems[:5])) + (
            f" (et {len(problems) - 5} autre(s))" if len(problems) > 5 else ""
        )
        raise FileRefusedLocally(
            f"Le fichier {file.name} n'est pas conforme, rien n'a été déposé : {listed}. "
            f"Corrigez-le (damancom-bot bds check {file.name}) puis relancez."
        )


class Deadlines(Protocol):
    """What the task needs of the plan (`bot/schedule/plan.py: Plan`, a higher room): the deadline."""

    def deadline(self, period: str) -> datetime: ...


@dataclass
class FilingTask:
    """Runs inside a logged-in session (see bot.run.runner), before logout."""

    wants_pdf = True  # a filing's report is proof: printed to PDF too

    file: Path
    period: str
    ledger: Ledger
    plan: Deadlines
    assisted: bool = False  # headed: the person clicks « Valider la déclaration » themselves
    confirm: bool = False  # attended, headless: « Confirmer le dépôt ? » once the totals are shown
    receipt: str | None = None
    already_declared: bool = False
    period_url: str = ""  # the period's own page: looked at again when the receipt does not show

    def __call__(self, interface, summary, ctx, person, settings):
        deadline = self.plan.deadline(self.period)
        screen = self._open_period(interface, summary, ctx)
        if screen.is_declared():  # filed earlier (by us before a crash, or by hand): never upload again
            self.already_declared = True
            self._keep_receipt(filing.open_receipt(ctx, screen), ctx.recorder, settings.account, deadline)
            return filed(summary, self.period)
        confirmation, text = self._upload(screen, summary, ctx)
        shown, mine = self._compare_totals(confirmation, text)
        if self.confirm and not self.assisted and not person.confirm(self._totals_text(shown)):
            raise PersonDeclined(
                f"Dépôt annulé à votre demande : la déclaration {self.period} n'a pas été validée "
                "(rien n'a été déposé).",
                reason="not_now",
            )
        self._validate(confirmation, shown, ctx, person, settings, deadline)
        person.notifier.send(
            f"Damancom : déclaration {self.period} déposée",
            f"Accusé de réception {self.receipt}. {mine['employees']} salarié(s), salaires réels "
            f"{money(mine['real'])}, montant à payer {money(shown['amount'])} "
            "(le bot ne paie jamais : faites le télépaiement vous-même).",
        )
        return filed(summary, self.period)

    def _open_period(self, interface, summary, ctx):
        row = summary.row_of(self.period)
        if row is None:
            raise UnexpectedPage(
                f"la période {self.period} dans l'espace affilié",
                ctx.page.url,
                "",
                ctx.recorder.try_screenshot(ctx.page, "periode-absente"),
            )
        screen = filing.open_period(ctx, interface, row[0])
        self.period_url = ctx.page.url
        return screen

    def _upload(self, screen, summary, ctx) -> tuple[ConfirmationScreen, str]:
        """The préétabli and the file kept in the run's folder, checked against each other, uploaded."""
        recorder = ctx.recorder
        preetabli = screen.download_preetabli(recorder.folder)
        recorder.add_file(preetabli, "preetabli")
        copy = recorder.folder / self.file.name
        shutil.copyfile(self.file, copy)
        recorder.add_file(copy, "fichier-declaration")
        text = copy.read_bytes().decode("latin-1")
        check_locally(
            self.file,
            self.period,
            text,
            preetabli=preetabli.read_bytes().decode("latin-1"),
            affiliate=summary.affiliation,
        )
        uploaded = filing.upload(ctx, screen, copy)
        if isinstance(uploaded.screen, DeclarationScreen):
            shot = uploaded.screen.shot("fichier-refuse")
            raise FileRefusedByPortal(
                f"Le portail a refusé le fichier : « {uploaded.message} ». Corrigez-le puis relancez.", screenshot=shot
            )
        assert isinstance(uploaded.screen, ConfirmationScreen)
        return uploaded.screen, text

    def _compare_totals(self, confirmation: ConfirmationScreen, text: str) -> tuple[dict, dict]:
        """The portal's totals against the file's (B06): any difference stops before validation."""
        shown = confirmation.totals()
        b06 = next(r for r in parse(text) if r.type == "B06")
        mine = {
            "employees": b06.number("N_Nbr_Salaries"),
            "real": b06.number("N_T_Salaire_Reel"),
            "capped": b06.number("N_T_Salaire_Plaf"),
        }
        confirmation.shot("confirmation", totals=shown)  # the report's first page shows them as money
        if any(shown[k] != v for k, v in mine.items()):
            raise TotalsDiffer(
                f"Les totaux affichés par le portail ({shown}) diffèrent de ceux du fichier ({mine}) : "
                "la déclaration n'a pas été validée. Vérifiez le fichier."
            )
        return shown, mine

    def _validate(self, confirmation, shown: dict, ctx, person, settings, deadline) -> None:
        """« submitting » in the ledger first: from here on the filing may have happened (never twice)."""
        self.ledger.submitting(settings.account, self.period, deadline, clock.now())
        ctx.recorder.record("validation", assisted=self.assisted)
        if self.assisted:
            person.say(
                f"Vérifiez les totaux dans la fenêtre du navigateur, puis cliquez vous-même sur « Valider la "
                f"déclaration » (le bot attend jusqu'à {settings.declare_wait / 60:.0f} min)."
            )
            receipt = filing.person_validates(ctx, confirmation, settings.declare_wait, self.period_url)
        else:
            logger.info("Validation de la déclaration {} (montant à payer : {}).", self.period, money(shown["amount"]))
            receipt = filing.validate(ctx, confirmation, self.period_url)
        self._keep_receipt(receipt, ctx.recorder, settings.account, deadline)

    def _totals_text(self, shown: dict) -> str:
        return (
            f"Le portail affiche pour {self.period} : {shown['employees']} salarié(s), salaires réels "
            f"{money(shown['real'])}, plafonnés {money(shown['capped'])}, montant à payer {money(shown['amount'])}."
        )

    @property
    def outcome(self) -> str | None:
        """The run's closing sentence, once there is a receipt."""
        if not self.receipt:
            return None
        done = "était déjà déposée" if self.already_declared else "déposée"
        return f"Déclaration {self.period} {done} ; accusé de réception {self.receipt}."

    def _keep_receipt(self, receipt: ReceiptScreen, recorder, account: str, deadline) -> None:
        self.receipt = receipt.reference()
        receipt.shot("accuse-de-reception")
        recorder.add_file(receipt.save(recorder.folder), "accuse-de-reception-html", reference=self.receipt)
        recorder.proof = True  # this folder proves a filing: never pruned automatically
        self.ledger.filed(account, self.period, deadline, self.receipt, clock.now())
        logger.info("Accusé de réception {} enregistré.", self.receipt)


def filed(summary: InterfaceSummary, period: str) -> InterfaceSummary:
    """The summary read before filing, with the period now « Déclarée »: the end-of-run lines must
    not show « À déclarer » next to « déposée »."""
    row = summary.row_of(period)
    periods = [(label, DECLARED if (label, state) == row else state) for label, state in summary.periods]
    return InterfaceSummary(summary.employer, summary.affiliation, periods)
