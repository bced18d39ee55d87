"""The dashboard in a real Chromium: what each section shows and what each button does (no bot
process here: the run waiting for a code is a real dropbox channel in this process)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from bot.app.overview import why
from bot.handover.dropbox import DropboxChannel, handover_dir
from bot.handover.mailbox import ANSWER, CODE, READY, RESEND, Mailbox
from bot.ledger import ledger as L
from bot.system import clock
from tests.conftest import assert_no_secret
from tests.support.declaration_files import make_file
from tests.support.keyrings import no_keyring

PASSWORD = "Mot-De-Passe-Tres-Secret-42"


def test_a_wrong_token_gets_nothing(page, dashboard):
    page.goto(dashboard.url.replace(dashboard.dashboard.token, "pas-le-bon-jeton"))
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    assert "Déclarations" not in page.content()


def test_periods_say_what_happens_next_and_why(page, dashboard, tmp_path):
    ledger = L.Ledger(tmp_path / "state")
    now = clock.now()
    evening = now.astimezone(clock.TZ).replace(hour=21, minute=4, second=0, microsecond=0)
    if evening <= now:
        evening += timedelta(days=1)
    ledger.ensure("PHARMA-DEMO", "2026-10", now + timedelta(days=9), evening, now)
    ledger.plan("PHARMA-DEMO", "2026-10", L.PENDING, evening, "portal_down", now)
    ledger.filed("PHARMA-DEMO", "2026-09", now, "AR-2026-09-0001", now)
    page.goto(dashboard.url)
    row = page.get_by_role("row", name=re.compile("2026-10"))
    expect(row).to_contain_text("en attente")
    expect(row).to_contain_text(
        re.compile(
            r"prochain essai (ce soir|demain) à 21 h 04 : le portail est surchargé "
            r"en journée \(le portail était indisponible\)"
        )
    )
    expect(page.get_by_role("row", name=re.compile("2026-09"))).to_contain_text("accusé de réception AR-2026-09-0001")
    expect(page.locator("#periodes")).to_contain_text("Aucun planificateur ne tourne")


def test_why_in_words():
    tz = clock.TZ
    row = L.PeriodRow(
        "A",
        "2026-10",
        L.PENDING,
        datetime(2026, 11, 10, 23, 59, tzinfo=tz),
        datetime(2026, 11, 2, 21, 4, tzinfo=tz),
        "first_planned",
        None,
    )
    morning = datetime(2026, 11, 2, 10, 0, tzinfo=tz)
    assert why(row, "", morning) == (
        "prochain essai ce soir à 21 h 04 : le portail est surchargé en journée (premier essai du mois)"
    )
    row.next_attempt = datetime(2026, 11, 3, 6, 12, tzinfo=tz)
    row.next_reason = "busy"
    assert why(row, "", morning) == "prochain essai demain matin à 6 h 12 : une autre connexion utilisait le compte"
    row.state, row.next_attempt = L.DONE, None
    assert why(row, "déposée par le bot", morning) == "déposée par le bot"


def test_a_waiting_run_gets_ready_and_code_from_the_dashboard(page, dashboard, tmp_path):
    mailbox = Mailbox()
    folder = handover_dir(tmp_path / "state", "PHARMA-DEMO")
    channel = DropboxChannel(mailbox, folder, "run123", account="PHARMA-DEMO")
    page.goto(dashboard.url)
    expect(page.locator("body")).to_have_attribute("data-polled", re.compile(r"\d"))
    try:
        channel.open("ready")  # the page was already open: the box appears without a reload
        page.get_by_role("button", name="Je suis prêt").click()
        expect(page.get_by_role("status")).to_contain_text("Présence confirmée pour le compte PHARMA-DEMO")
        assert mailbox.take({READY}, timeout=5).kind == READY
        channel.open("code")
        countdown = page.locator(".compte-a-rebours")
        expect(countdown).to_have_text(re.compile(r"Code valable encore [45] min \d\d s\."))
        first = countdown.inner_text()
        expect(countdown).not_to_have_text(first)  # it counts down by itself
        page.get_by_label("Code reçu par SMS").fill("12 34")
        page.get_by_role("button", name="Envoyer le code", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("6 chiffres")
        page.get_by_label("Code reçu par SMS").fill("482 913")
        page.get_by_role("button", name="Envoyer le code", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("Code remis à la connexion du compte PHARMA-DEMO")
        assert mailbox.take({CODE}, timeout=5).value == "482913"
        page.get_by_label("Code reçu par SMS").fill("482913")  # the same code again: never sent twice
        page.get_by_role("button", name="Envoyer le code", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("déjà été transmis")
        page.get_by_role("button", name=re.compile("renvoyer le code")).click()
        expect(page.get_by_role("status")).to_contain_text("Demande de renvoi")
        assert mailbox.take({RESEND}, timeout=5).kind == RESEND
        assert mailbox.take({CODE}, timeout=0.5) is None
        outside = tmp_path / "ailleurs.png"  # not from the recordings folder: never embedded
        Image.new("RGB", (40, 20), "red").save(outside)
        channel.open("question", picture=outside)
        expect(page.get_by_text("Répondez d'après la capture envoyée par le bot")).to_be_visible()
        expect(page.locator("img.question")).to_have_count(0)
        captcha = tmp_path / "recordings" / "PHARMA-DEMO" / "2026-10" / "run" / "04-question.png"
        captcha.parent.mkdir(parents=True)
        Image.new("RGB", (120, 40), "white").save(captcha)
        channel.open("question", picture=captcha)  # a captcha before the SMS: shown, answered the same way
        picture = page.get_by_role("img", name="La question posée par le portail (capture)")
        expect(picture).to_be_visible()
        assert picture.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [120, 40]
        page.get_by_label("Réponse").fill("x7k2p")
        page.get_by_role("button", name="Envoyer la réponse").click()
        expect(page.get_by_role("status")).to_contain_text("Réponse transmise")
        assert mailbox.take({ANSWER}, timeout=5).value == "x7k2p"
    finally:
        channel.close()
    expect(page.locator("#attente")).to_be_empty()  # the run stopped waiting: the box goes away by itself
    assert_no_secret(["482913"], page.content(), roots=(tmp_path / "state",))


def test_a_forged_form_is_refused_in_the_browser(page, dashboard, tmp_path):
    page.goto(dashboard.url)
    page.locator("#reglages input[name=_csrf]").evaluate("e => e.value = 'forge'")
    page.get_by_label("Identifiant Damancom").fill("PIRATE")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    assert not (tmp_path / ".env").exists()


def test_settings_go_to_env_and_the_password_to_the_keyring(page, dashboard, tmp_path, isolated_keyring):
    token = "123456789:" + "A" * 35
    page.goto(dashboard.url)
    page.get_by_label("Identifiant Damancom").fill("PHARMA-DEMO")
    page.get_by_label(re.compile("Mot de passe Damancom")).fill(PASSWORD)
    page.get_by_label(re.compile("jeton du bot")).fill(token)
    page.get_by_label("Telegram : numéro de la discussion").fill("987654")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.get_by_role("status")).to_contain_text("rangé dans le trousseau")
    assert isolated_keyring.get_password("damancom-bot", "PHARMA-DEMO") == PASSWORD  # the real keyring file
    expect(page.get_by_label(re.compile("Mot de passe Damancom \\(déjà renseigné"))).to_be_empty()
    expect(page.get_by_label("Identifiant Damancom")).to_have_value("PHARMA-DEMO")
    html = page.content()
    env_text = (tmp_path / ".env").read_text(encoding="utf-8")
    assert "DAMANCOM_IDENTIFIER=PHARMA-DEMO" in env_text and f"DAMANCOM_TELEGRAM_TOKEN={token}" in env_text
    assert "DAMANCOM_TELEGRAM_CHAT=987654" in env_text
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0
    assert_no_secret([PASSWORD], html, roots=(tmp_path,))  # nowhere: not the page, not .env, not a log
    assert_no_secret([token], html, roots=(tmp_path / "state",))  # the token lives in .env only


def test_no_keyring_saves_the_identifier_in_an_ansi_env_and_says_what_to_do(page, dashboard, tmp_path):
    """A Notepad « ANSI » `.env` and a computer without a keyring: the identifier is saved (still
    cp1252), and the page says in French how to give the password."""
    (tmp_path / ".env").write_bytes("# Pharmacie Élan\r\nDAMANCOM_HEADLESS=1\r\n".encode("cp1252"))
    page.goto(dashboard.url)
    page.get_by_label("Identifiant Damancom").fill("PHARMA-DEMO")
    page.get_by_label(re.compile("Mot de passe Damancom")).fill(PASSWORD)
    with no_keyring():  # a computer without a keyring: keyring's « fail » backend
        page.get_by_role("button", name="Enregistrer les réglages").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Identifiant PHARMA-DEMO enregistré")
        expect(alert).to_contain_text("Aucun trousseau système n'est disponible")
        expect(alert).to_contain_text("ajoutez la ligne DAMANCOM_PASSWORD=")
    assert (tmp_path / ".env").read_bytes().decode(
        "cp1252"
    ) == "# Pharmacie Élan\r\nDAMANCOM_HEADLESS=1\r\nDAMANCOM_IDENTIFIER=PHARMA-DEMO\r\n"
    assert_no_secret([PASSWORD], page.content(), roots=(tmp_path,))


def test_a_bad_file_is_refused_before_any_login(page, dashboard, tmp_path, portal):
    dashboard.dashboard.environ["DAMANCOM_IDENTIFIER"] = "PHARMA-DEMO"
    good = make_file(tmp_path, portal.accounts["PHARMA-DEMO"], "2026-10")
    bad = tmp_path / "DS_mauvais.txt"
    bad.write_bytes(good.read_bytes()[:-300])
    page.goto(dashboard.url)
    page.get_by_label("Période (AAAA-MM)").fill("2026-10")
    page.get_by_label("Fichier de déclaration (DS_….txt)").set_input_files(bad)
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("alert")).to_contain_text("problème(s) : rien n'a été envoyé, aucun SMS demandé")
    expect(page.locator("#actions")).to_contain_text("refusé par la vérification locale")
    expect(page.get_by_role("button", name="Déposer la déclaration")).to_have_count(0)
    assert dashboard.dashboard.jobs.current() is None
    assert not list((tmp_path / "state").glob("inbox/**/*.txt"))  # never left for the scheduler to pick up
    page.get_by_label("Période (AAAA-MM)").fill("2026-10")
    page.get_by_label("Fichier de déclaration (DS_….txt)").set_input_files(good)
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("status")).to_contain_text("conforme")
    expect(page.locator("#actions")).to_contain_text(re.compile(r"salaires réels : [\d\u202f]+,\d\d MAD"))
    expect(page.get_by_role("button", name="Déposer la déclaration")).to_be_visible()
    kept = list((tmp_path / "state").glob("inbox/PHARMA-DEMO/2026-10/*.txt"))
    assert [p.read_bytes() for p in kept] == [good.read_bytes()]
    assert dashboard.dashboard.jobs.current() is None  # still nothing sent: the person confirms first


def test_doctor_checks_from_the_page(page, dashboard):
    page.goto(dashboard.url)
    page.get_by_role("button", name="Vérifier l'installation").click()
    section = page.locator("#verifications")
    expect(section).to_contain_text("navigateur", timeout=60_000)
    expect(section).to_contain_text("dossier d'état")
    expect(section.locator("li", has_text="identifiants")).to_contain_text("vide(s)")
    expect(section).not_to_contain_text("DAMANCOM_")


def test_reports_and_receipts_open_from_the_page(page, dashboard, tmp_path):
    folder = tmp_path / "recordings" / "PHARMA-DEMO" / "2026-10" / "20261101-210400-abc123"
    folder.mkdir(parents=True)
    (folder / "manifest.jsonl").write_text(
        '{"seq": 1, "time": "2026-11-01T21:04:00+01:00", "step": "debut", "account": "PHARMA-DEMO", '
        '"period": "2026-10"}\n{"seq": 2, "time": "2026-11-01T21:05:00+01:00", "step": "fin", "outcome": "ok", '
        '"reference": "AR-42"}\n',
        encoding="utf-8",
    )
    (folder / "report.html").write_text(
        "<h1>Rapport du dépôt</h1><script>document.title='x'</script>", encoding="utf-8"
    )
    Path(folder / "report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.goto(dashboard.url)
    row = page.get_by_role("row", name=re.compile("2026-10"))
    expect(row).to_contain_text("réussi")
    expect(row).to_contain_text("AR-42")
    with page.context.expect_page() as opened:
        row.get_by_role("link", name="rapport (page)").click()
    report = opened.value
    expect(report.get_by_role("heading", name="Rapport du dépôt")).to_be_visible()
    assert report.title() != "x"  # served sandboxed: the report's own scripts do not run
    base = dashboard.url.split("/app/")[0]
    pdf = page.request.get(base + row.get_by_role("link", name="rapport (PDF)").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize("button", ["Se connecter maintenant"])
def test_login_needs_an_identifier_first(page, dashboard, button):
    page.goto(dashboard.url)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("alert")).to_contain_text("Indiquez d'abord votre identifiant Damancom")


def test_a_bad_setting_is_shown_and_fixed_from_the_page(page, app_environ, tmp_path):
    from bot.app.dashboard import Dashboard
    from bot.app.server import DashboardServer

    app_environ["DAMANCOM_TELEGRAM_TOKEN"] = "pas-un-jeton"  # every command refuses it (exit 2)
    board = Dashboard(app_environ, tmp_path)
    with DashboardServer(board) as server:
        page.goto(server.url)
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Réglage à corriger : Le réglage « jeton du bot Telegram » n'a pas la forme")
        expect(alert).not_to_contain_text("DAMANCOM_")  # no variable names on the page
        page.get_by_label(re.compile("jeton du bot")).fill("123456789:" + "B" * 35)
        page.get_by_label("Telegram : numéro de la discussion").fill("42")
        page.get_by_role("button", name="Enregistrer les réglages").click()
        expect(page.get_by_role("status")).to_contain_text("Telegram enregistré")
        expect(page.get_by_text("Réglage à corriger")).to_have_count(0)


def _manifest_line(folder: Path, step: str, outcome: str = "ok", **more) -> None:
    import json

    with open(folder / "manifest.jsonl", "a", encoding="utf-8") as handle:
        handle.write(
            json.dumps(
                {
                    "time": "2026-11-01T21:04:00+01:00",
                    "step": step,
                    "outcome": outcome,
                    "account": "PHARMA-DEMO",
                    "period": "2026-10",
                    **more,
                }
            )
            + "\n"
        )


def test_a_refused_code_shows_as_a_failure_in_plain_french(page, dashboard, tmp_path):
    mailbox = Mailbox()
    channel = DropboxChannel(mailbox, handover_dir(tmp_path / "state", "PHARMA-DEMO"), "run77", account="PHARMA-DEMO")
    run = tmp_path / "recordings" / "PHARMA-DEMO" / "2026-10" / "20261101-210400-run77"
    run.mkdir(parents=True)
    for step in ("debut", "accueil", "code-demande"):
        _manifest_line(run, step)
    page.goto(dashboard.url)
    try:
        channel.open("code")
        page.get_by_label("Code reçu par SMS").fill("482913")
        page.get_by_role("button", name="Envoyer le code", exact=True).click()
        note = page.get_by_role("status").filter(has_text="Code remis à la connexion du compte PHARMA-DEMO")
        expect(note).to_have_class(re.compile(r"\bneutre\b"))  # not a green « done »: the portal has not answered
        assert mailbox.take({CODE}, timeout=5).value == "482913"
        _manifest_line(run, "code-refuse")  # the run writes the portal's « no », then asks again
        channel.open("code")
        live = page.locator("#direct")
        expect(live.get_by_role("alert")).to_have_text(
            "Le portail a refusé le code : saisissez le nouveau code reçu par SMS ci-dessus."
        )
        expect(live.locator("li", has_text="Code refusé par le portail")).to_have_class("ko")
        expect(note).to_have_count(0)  # « Code remis » is no longer what happened
        page.get_by_label("Code reçu par SMS").fill("111222")
        page.get_by_role("button", name="Envoyer le code", exact=True).click()
        expect(page.get_by_role("status").filter(has_text="Code remis")).to_be_visible()  # a new code: its own note
        _manifest_line(run, "code-refuse")
        _manifest_line(
            run,
            "fin",
            "echec",
            message="Le portail a refusé le code (« Code erroné »). Le bot s'arrête "
            "(si le message parle aussi du mot de passe, vérifiez DAMANCOM_PASSWORD).",
        )
        expect(live.get_by_role("alert")).to_contain_text("Le portail a refusé 2 codes : la connexion s'est arrêtée")
        last = live.locator("ol.etapes li").last
        expect(last).to_have_class("ko")
        expect(last).to_contain_text("vérifiez le réglage « mot de passe »")
        expect(live).not_to_contain_text("DAMANCOM_")
        expect(page.get_by_role("status").filter(has_text="Code remis")).to_have_count(0)
    finally:
        channel.close()


def test_the_check_shows_what_bds_check_warns_about_and_a_wrong_month_in_words(page, dashboard, tmp_path, portal):
    from bot.ebds.check import inspect

    dashboard.dashboard.environ["DAMANCOM_IDENTIFIER"] = "PHARMA-DEMO"
    account = portal.accounts["PHARMA-DEMO"]
    warned = make_file(tmp_path, account, "2026-10", new="998877665")  # a new employee's number fails its key
    warnings = [str(w) for w in inspect(warned.read_text(encoding="ascii"), period="2026-10").warnings]
    assert warnings  # what `bds check` prints for this file
    page.goto(dashboard.url)
    page.get_by_label("Période (AAAA-MM)").fill("2026-10")
    page.get_by_label("Fichier de déclaration (DS_….txt)").set_input_files(warned)
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("status")).to_contain_text(f"conforme avec {len(warnings)} avertissement(s) à vérifier")
    shown = page.locator("#actions .avertissements")
    for warning in warnings:
        expect(shown).to_contain_text(warning)
    later = tmp_path / "novembre"
    later.mkdir()
    page.get_by_label("Période (AAAA-MM)").fill("2026-10")
    page.get_by_label("Fichier de déclaration (DS_….txt)").set_input_files(
        make_file(later, account, "2026-11", new="998877669")
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    refused = page.locator("#actions li")
    expect(refused).to_have_text(
        [
            "Ce fichier est celui de novembre 2026, vous avez choisi octobre 2026 : déposez le "
            "fichier d'octobre 2026, ou choisissez la période novembre 2026."
        ]
    )
    expect(page.locator("#actions")).not_to_contain_text("L_Periode")


def test_a_filing_s_steps_in_french_with_the_amount_to_pay(page, dashboard, tmp_path):
    channel = DropboxChannel(Mailbox(), handover_dir(tmp_path / "state", "PHARMA-DEMO"), "run88", account="PHARMA-DEMO")
    run = tmp_path / "recordings" / "PHARMA-DEMO" / "2026-10" / "20261101-210400-run88"
    run.mkdir(parents=True)
    _manifest_line(run, "debut")
    _manifest_line(run, "preetabli")
    _manifest_line(run, "fichier-declaration")
    _manifest_line(run, "confirmation", totals={"employees": 4, "real": 1470050, "capped": 1470050, "amount": 301016})
    _manifest_line(
        run,
        "fin",
        "echec",
        message="Le portail http://127.0.0.1:9/fr/ ne répond pas (Page.goto: "
        "net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/fr/) : réessayez plus tard.",
    )
    (run / "report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.goto(dashboard.url)
    try:
        channel.open("ready")
        steps = page.locator("#direct ol.etapes li")
        expect(steps).to_have_text(
            [
                re.compile("Préétabli téléchargé du portail$"),
                re.compile("Fichier de déclaration gardé$"),
                re.compile(
                    "Totaux affichés par le portail : 4 salarié\\(s\\), salaires réels "
                    "14 700,50 MAD, plafonnés 14 700,50 MAD, montant à payer 3 010,16 MAD$"
                ),
                re.compile(
                    "Fin : Le portail http://127.0.0.1:9/fr/ ne répond pas \\(connexion "
                    "refusée : rien ne répond à cette adresse\\) : réessayez plus tard\\.$"
                ),
            ]
        )
        expect(page.locator("#direct")).not_to_contain_text("net::")
    finally:
        channel.close()
    row = page.locator("#rapports").get_by_role("row", name=re.compile("2026-10"))
    expect(row).to_contain_text("3 010,16 MAD")


def test_trial_mode_says_which_portal_and_gives_a_sample_to_file(page, dashboard, tmp_path):
    board = dashboard.dashboard
    page.goto(dashboard.url)
    expect(page.locator("#portail")).to_contain_text("Portail utilisé : le vrai portail Damancom")
    page.get_by_role("button", name="Passer en mode essai").click()
    expect(page.get_by_role("status")).to_contain_text("Mode essai : la page utilise maintenant le portail d'essai")
    expect(page.get_by_role("heading", level=1)).to_have_text("damancom-bot : tableau de bord — MODE ESSAI")
    expect(page.locator("#portail")).to_contain_text(f"portail d'essai de cet ordinateur ({board.trial.url})")
    expect(page.locator("#actions")).to_contain_text("Connexion au portail d'essai pour le compte PHARMA-DEMO")
    period = board.default_period()
    with page.expect_download() as got:
        page.get_by_role("link", name="déclaration d'exemple, prête à déposer").click()
    sample = tmp_path / got.value.suggested_filename
    got.value.save_as(sample)
    assert sample.name.startswith("DS_") and sample.read_bytes().startswith(b"B00")
    page.get_by_label("Période (AAAA-MM)").fill(period)
    page.get_by_label("Fichier de déclaration (DS_….txt)").set_input_files(sample)
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("status")).to_contain_text("conforme")
    expect(page.get_by_role("button", name="Déposer la déclaration")).to_be_visible()
    kept = list((tmp_path / "state" / "essai" / "etat").glob(f"inbox/PHARMA-DEMO/{period}/*.txt"))
    assert len(kept) == 1 and not list((tmp_path / "state").glob("inbox/**/*.txt"))  # never among the real ones
    # a run of this mode waiting for its code: the sandbox's SMS is shown where the code is typed
    channel = DropboxChannel(Mailbox(), handover_dir(board.state_dir, "PHARMA-DEMO"), "run99", account="PHARMA-DEMO")
    try:
        channel.open("code")
        sms = board.trial.portal.outbox.send("PHARMA-DEMO", board.trial.account.phone, "246810", time.time())
        expect(page.locator("#attente .sms")).to_have_text(sms.text)
    finally:
        channel.close()
    for what in ("preetabli", "salaries"):
        reply = page.request.get(dashboard.url + f"essai/{what}?periode={period}")
        assert reply.status == 200 and "attachment" in reply.headers["content-disposition"]
    page.get_by_role("button", name="Revenir au vrai portail").click()
    expect(page.locator("#portail")).to_contain_text("le vrai portail Damancom")
    assert board.trial is None
    assert page.request.get(dashboard.url + f"essai/declaration?periode={period}").status == 404
