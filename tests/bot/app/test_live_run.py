"""A real run followed live from the dashboard: the button starts `damancom-bot` as a child process
against the sandbox, the code the sandbox's phone received is typed in the dashboard's box. Four
bot runs in all (each costs seconds): a login, a declaration checked then filed, a login that
outlives the dashboard stopped by Ctrl+C, and the sample declaration filed in « mode essai »."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from bot.ledger.ledger import FILE, Ledger
from tests.conftest import assert_no_secret
from tests.support.declaration_files import make_file
from tests.support.waiting import sms_code


@pytest.fixture
def app_environ(cli_env, sandbox, demo_account):
    return {
        **cli_env,
        "DAMANCOM_URL": sandbox.url,
        "DAMANCOM_IDENTIFIER": demo_account.identifier,
        "DAMANCOM_PASSWORD": demo_account.password,
    }


def _type_code(page, dashboard, sandbox, after: int = 0) -> str:
    box = page.get_by_label("Code reçu par SMS")
    try:  # appears by itself once the portal has sent the SMS (a loaded machine: a generous bound)
        expect(box).to_be_visible(timeout=150_000)
    except AssertionError:
        job = dashboard.dashboard.jobs.current()
        raise AssertionError(f"no code box; the run said: {job.output.read_text() if job else 'no run'}") from None
    expect(page.locator(".compte-a-rebours")).to_contain_text("Code valable encore")
    code = sms_code(sandbox, after)
    box.fill(code)
    page.get_by_role("button", name="Envoyer le code", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Code remis à la connexion du compte PHARMA-DEMO")
    return code


def test_login_followed_live_with_the_code_typed_in_the_dashboard(page, dashboard, sandbox, demo_account, tmp_path):
    page.goto(dashboard.url)
    page.get_by_role("button", name="Se connecter maintenant").click()
    expect(page.get_by_role("status")).to_contain_text("Connexion lancée")
    live = page.locator("#direct")
    expect(live).to_contain_text("En cours : connexion pour le compte PHARMA-DEMO")
    code = _type_code(page, dashboard, sandbox)
    expect(live).to_contain_text("Terminé : connexion réussie", timeout=150_000)
    expect(live.locator("ol.etapes li").last).to_contain_text("Fin")
    assert live.locator("ol.etapes li").count() >= 4  # the steps were listed as the run went
    expect(page.locator("#attente")).to_be_empty()
    expect(page.locator("#rapports")).to_contain_text("réussi")
    report = next((tmp_path / "recordings").rglob("report.html")).read_text(encoding="utf-8")
    assert "saisi dans le tableau de bord" in report and "damancom-bot otp" not in report  # who handed the code
    assert_no_secret([code, demo_account.password], page.content(), roots=(tmp_path / "recordings", tmp_path / "state"))


def test_a_declaration_checked_then_filed_from_the_dashboard(page, dashboard, sandbox, demo_account, portal, tmp_path):
    period = dashboard.dashboard.default_period()  # the month the sandbox has due (older ones count as filed)
    page.goto(dashboard.url)
    page.get_by_label("Période (AAAA-MM)").fill(period)
    page.get_by_label("Fichier de déclaration (DS_….txt)").set_input_files(make_file(tmp_path, demo_account, period))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("status")).to_contain_text("conforme")
    assert sandbox.outbox.all() == []  # checked before any login: no SMS yet
    page.get_by_role("button", name="Déposer la déclaration").click()
    expect(page.get_by_role("status")).to_contain_text(f"Dépôt de la déclaration {period} lancé")
    code = _type_code(page, dashboard, sandbox)
    live = page.locator("#direct")
    expect(live).to_contain_text(f"Terminé : dépôt de la déclaration ({period}) réussi", timeout=150_000)
    expect(live).to_contain_text("Accusé de réception")
    row = page.locator("#rapports").get_by_role("row", name=re.compile(period)).first
    link = row.get_by_role("link", name="rapport (PDF)")
    base = dashboard.url.split("/app/")[0]
    pdf = page.request.get(base + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    receipt = Ledger(tmp_path / "state").receipt("PHARMA-DEMO", period)
    assert receipt
    expect(row).to_contain_text(receipt)
    expect(page.locator("#periodes").get_by_role("row", name=re.compile(period))).to_contain_text("faite")
    assert_no_secret([code, demo_account.password], page.content(), roots=(tmp_path / "recordings", tmp_path / "state"))


@pytest.mark.skipif(os.name != "posix", reason="a terminal's Ctrl+C as SIGINT to its process group")
def test_a_run_started_from_the_dashboard_outlives_its_ctrl_c(app_environ, sandbox, tmp_path):
    """Ctrl+C in the dashboard's terminal (SIGINT to its whole process group, as a terminal sends it)
    stops the page; the login it started, SMS already sent, still takes its code and ends well."""
    import signal
    import subprocess

    from bot.app.progress import audit_folder, steps, waiting_runs
    from bot.handover import dropbox
    from bot.handover.client import deliver
    from tests.conftest import BIN
    from tests.support.local_page import csrf, fetch
    from tests.support.terminal import AS_FROM_A_TERMINAL
    from tests.support.waiting import wait_until

    out = tmp_path / "app.out"
    with open(out, "w") as sink:
        app = subprocess.Popen(
            [str(BIN / "damancom-bot"), "app", "--no-browser"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=app_environ,
            process_group=0,
            **AS_FROM_A_TERMINAL,
        )
    try:
        url = wait_until(lambda: re.search(r"http://127\.0\.0\.1:\d+/app/\S+/", out.read_text()), timeout=120).group(0)
        assert fetch(url + "action/connexion", data={"_csrf": csrf(fetch(url)[1])})[0] == 200
        state = tmp_path / "state"
        waiting = wait_until(lambda: [r for r in waiting_runs(state) if r["phase"] == "code"], timeout=150)
        code = sms_code(sandbox)
        os.killpg(app.pid, signal.SIGINT)  # the terminal's Ctrl+C
        assert app.wait(timeout=30) == 130
        deliver(dropbox.handover_dir(state, "PHARMA-DEMO") / dropbox.CODE_FILE, {"code": code})  # as `otp` would

        def ended():
            found = steps(audit_folder(tmp_path / "recordings", "PHARMA-DEMO", run_id=waiting[0]["run_id"]))
            return found if found and found[-1]["final"] else None

        last = wait_until(ended, timeout=150)[-1]
        assert last["outcome"] == "ok", [p.read_text() for p in (state / "tableau-de-bord").glob("*.txt")]
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


def test_the_sample_declaration_filed_in_trial_mode(page, dashboard, cli_env, tmp_path):
    """No real portal nor account at all: « mode essai », its sample file, its SMS on the page."""
    board = dashboard.dashboard
    page.goto(dashboard.url)
    page.get_by_role("button", name="Passer en mode essai").click()
    period = board.default_period()
    with page.expect_download() as got:
        page.get_by_role("link", name="déclaration d'exemple, prête à déposer").click()
    sample = tmp_path / got.value.suggested_filename
    got.value.save_as(sample)
    page.get_by_label("Période (AAAA-MM)").fill(period)
    page.get_by_label("Fichier de déclaration (DS_….txt)").set_input_files(sample)
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("button", name="Déposer la déclaration").click()
    expect(page.get_by_role("status")).to_contain_text("sur le portail d'essai (rien n'est envoyé à la CNSS)")
    sms = page.locator("#attente .sms")
    expect(sms).to_contain_text("votre code de connexion est", timeout=150_000)
    code = re.search(r"\d{6}", sms.inner_text()).group(0)
    page.get_by_label("Code reçu par SMS").fill(code)
    page.get_by_role("button", name="Envoyer le code", exact=True).click()
    live = page.locator("#direct")
    expect(live).to_contain_text(f"Terminé (essai) : dépôt de la déclaration ({period}) réussi", timeout=150_000)
    expect(live.locator(".montant")).to_contain_text("Montant à payer")
    row = page.locator("#rapports").get_by_role("row", name=re.compile(period)).first
    expect(row).to_contain_text("réussi (essai)")
    assert board.trial.account.receipts.get(period)  # filed on the sandbox, once
    real = tmp_path / "state"
    assert not (real / FILE).exists() or not Ledger(real).receipt("PHARMA-DEMO", period)  # nothing in the real ledger
