"""`damancom-bot declare`: préétabli → CSV → file → check → upload → receipt, exactly once. The bot
runs in this process (`InProcessLogin`, its stdin a real pipe), except where the test kills it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess

import pytest

from bot.audit.verify import verify
from bot.ledger import ledger as L
from bot.run.lockout import LockoutGuard
from tests.bot.commands.bot_process import BotProcess, InProcessLogin
from tests.conftest import STYLES
from tests.support.declaration_files import filed_earlier, make_file
from tests.support.waiting import wait_until


@pytest.fixture
def due(portal, demo_account):
    return next(p for p, declared in portal.periods(demo_account) if not declared)


def start_declare(
    tmp_path, cli_env, sandbox, account, period, path, *extra: str, confirm=False, real=False, **env
) -> BotProcess | InProcessLogin:
    """`confirm`: the bot asks « Confirmer le dépôt ? » (the test answers); otherwise --sans-confirmation.
    `real`: a real process (the test kills it)."""
    args = ["declare", "--period", period, "--file", str(path), *extra] + ([] if confirm else ["--sans-confirmation"])
    environ = {
        **cli_env,
        "DAMANCOM_URL": sandbox.url,
        "DAMANCOM_IDENTIFIER": account.identifier,
        "DAMANCOM_PASSWORD": account.password,
        "DAMANCOM_LOCAL_PAGE": "0",
        **env,
    }
    if real:
        bot = BotProcess(tmp_path, environ, args, stdin=subprocess.PIPE)
    else:
        bot = InProcessLogin(tmp_path, environ, args, interactive=True)
    sandbox.portal.outbox.listeners.append(lambda sms: bot.type(sms.code))
    return bot


@pytest.mark.parametrize("style", STYLES)
def test_round_trip_files_once_and_keeps_the_proof(tmp_path, cli_env, sandbox, portal, demo_account, due, style):
    path = make_file(tmp_path, demo_account, due)
    bot = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path)
    assert bot.finish() == 0, bot.err
    receipt = demo_account.receipts[due]
    assert f"Accusé de réception : {receipt.reference}" in bot.out
    assert portal.uploads == [(demo_account.identifier, due)]
    folder = next(p.parent for p in (tmp_path / "recordings").rglob("manifest.jsonl"))
    names = {p.name for p in folder.iterdir()}
    assert path.name in names and "accuse-de-reception.html" in names
    assert any(n.startswith("PREETABLI_") for n in names)
    assert any(n.endswith("accuse-de-reception.png") for n in names)
    assert verify(folder) == []
    last = json.loads((folder / "manifest.jsonl").read_text().splitlines()[-1])
    assert last["proof"] is True  # never pruned automatically
    ledger = L.Ledger(tmp_path / "state")
    assert ledger.period(demo_account.identifier, due).state == L.DONE
    assert ledger.receipt(demo_account.identifier, due) == receipt.reference
    assert_report_states_the_filing(folder, receipt.reference, bot.out)


def assert_report_states_the_filing(folder, reference: str, out: str) -> None:
    """Page 1 says it all (filed, receipt, money, who handed the code); then numbered steps; the
    end-of-run lines do not contradict each other."""
    from tests.support.pdf_text import pages

    text = pages(folder / "report.pdf")
    first = text[0]
    assert ": DÉPOSÉE" in first and reference in first, first
    assert re.search(r"Montant à payer \d{1,3}( \d{3})*,\d\d MAD", first) and "centimes" not in first
    assert "heure du Maroc" in first.split("Fin", 1)[1][:60]  # « Fin » filled, not « — »
    assert "PHARMA-DEMO" in first and "Code SMS remis tapé dans le terminal" in first
    assert "Étape" not in first  # the first page is the summary alone
    assert text[1].startswith("Étapes Étape 1 — Page d'accueil du portail")
    numbers = [int(n) for n in re.findall(r"Étape (\d+) —", " ".join(text))]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 7
    assert "Annexe" in text[-1] and "B06" in text[-1] and "SHA-256" in text[-1]
    assert not re.search(r"\d{2}/\d{4} À déclarer", out), out  # the summary shows the period filed


def test_file_for_another_employer_is_refused_locally(tmp_path, cli_env, sandbox, portal, demo_account, due):
    path = make_file(tmp_path, demo_account, due, affiliation="7654321")
    bot = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path)
    assert bot.finish() == 2, bot.err
    assert "rien n'a été déposé" in bot.err and "N_Num_Affilie" in bot.err
    assert portal.uploads == [] and due not in demo_account.declared


def test_file_for_another_period_is_refused_before_any_login(tmp_path, cli_env, sandbox, portal, demo_account, due):
    other = "2020-01"
    path = make_file(tmp_path, demo_account, other)
    bot = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path)
    assert bot.finish() == 2, bot.err
    assert "Ce fichier est celui de janvier 2020, vous avez choisi" in bot.err and portal.uploads == []
    assert portal.outbox.all() == [] and not (tmp_path / "recordings").exists()  # no SMS spent, no run


def test_confirmation_after_the_totals_non_files_nothing_oui_files(
    tmp_path, cli_env, sandbox, portal, demo_account, due
):
    path = make_file(tmp_path, demo_account, due)
    bot = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path, confirm=True)
    wait_until(lambda: "Confirmer le dépôt ?" in bot.output_so_far(), timeout=60)
    assert re.search(r"montant à payer \d[\d ]*,\d\d MAD", bot.output_so_far())  # the totals, before the question
    bot.type("non")
    assert bot.finish() == 3, bot.err
    assert "Dépôt annulé à votre demande" in bot.err and due not in demo_account.declared
    from tests.support.pdf_text import pages

    declined = next((tmp_path / "recordings").rglob("report.pdf"))
    assert ": NON DÉPOSÉE" in pages(declined)[0]  # the report says it plainly
    again = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path, confirm=True)
    wait_until(lambda: "Confirmer le dépôt ?" in again.output_so_far(), timeout=60)
    again.type("oui")
    assert again.finish() == 0, again.err
    assert due in demo_account.declared and "déposée" in again.out


def test_a_period_already_done_is_said_without_login_and_verifier_looks(
    tmp_path, cli_env, sandbox, portal, demo_account, due
):
    path = make_file(tmp_path, demo_account, due)
    reference = filed_earlier(portal, demo_account, due, path, tmp_path / "state")  # what the round trip leaves
    bot = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path)
    assert bot.finish() == 0, bot.err
    assert f"est déjà déposée, accusé de réception {reference}" in bot.out and "--verifier" in bot.out
    assert portal.outbox.all() == []  # no login, no SMS
    looked = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path, "--verifier")
    assert looked.finish() == 0, looked.err
    assert "était déjà « Déclarée » : rien n'a été redéposé" in looked.out
    assert portal.uploads == [(demo_account.identifier, due)]  # the earlier filing's only
    from tests.support.pdf_text import pages

    newest = max((tmp_path / "recordings").rglob("report.pdf"), key=lambda p: p.parent.name)
    assert ": DÉJÀ DÉPOSÉE (accusé de réception récupéré)" in pages(newest)[0]


@pytest.mark.parametrize("style", STYLES)
def test_portal_rejection_is_surfaced_with_its_message(tmp_path, cli_env, sandbox, portal, demo_account, due, style):
    path = make_file(tmp_path, demo_account, due, new="555555555")  # unknown to the CNSS
    bot = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path)
    assert bot.finish() == 5, bot.err
    assert "Le portail a refusé le fichier" in bot.err and "555555555 est inconnu de la CNSS" in bot.err
    assert due not in demo_account.declared
    assert LockoutGuard(tmp_path / "state").count(demo_account.identifier) == 0  # a refused file is no refused login


def test_killed_right_after_the_final_click_never_files_twice(tmp_path, cli_env, sandbox, portal, demo_account, due):
    path = make_file(tmp_path, demo_account, due)
    bot = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path, real=True)
    portal.validation_listeners.append(lambda *_: os.kill(bot.process.pid, signal.SIGKILL))
    assert bot.finish() == -signal.SIGKILL
    portal.validation_listeners.clear()
    ledger = L.Ledger(tmp_path / "state")
    wait_until(lambda: due in demo_account.declared)
    assert ledger.period(demo_account.identifier, due).state == L.SUBMITTING
    again = start_declare(tmp_path, cli_env, sandbox, demo_account, due, path)
    assert again.finish() == 0, again.err
    assert "était déjà « Déclarée » : rien n'a été redéposé" in again.out
    assert portal.uploads == [(demo_account.identifier, due)]  # one upload, one filing
    assert ledger.period(demo_account.identifier, due).state == L.DONE
    assert ledger.receipt(demo_account.identifier, due) == demo_account.receipts[due].reference
