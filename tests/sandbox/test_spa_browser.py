"""The spa style in real Chromium, driven like a person: one document, a modal, six boxes, toasts."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults
from tests.support.declaration_files import make_file


def digit(page, n: int):
    return page.get_by_label(f"Chiffre {n} du code", exact=True)


def open_home(page, url: str) -> None:
    """Loads the shell once, marks the document, and dismisses the announcement."""
    page.goto(url)
    page.evaluate("window.__x = 1")
    page.get_by_role("dialog").get_by_role("button", name="J'ai compris").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def to_code_screen(page, url: str, identifier: str = "PHARMA-DEMO") -> None:
    open_home(page, url)
    page.get_by_role("button", name="S'authentifier avec OTP").click()
    page.get_by_placeholder("Votre identifiant").fill(identifier)
    page.get_by_role("button", name="Continuer").click()
    expect(digit(page, 1)).to_be_focused()


def type_code(page, code: str) -> None:
    digit(page, 1).click()
    page.keyboard.type(code)  # one key per digit: the boxes advance by themselves


def log_in(page, sandbox, account) -> None:
    to_code_screen(page, sandbox.url, account.identifier)
    type_code(page, sandbox.outbox.all()[-1].code)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Valider", exact=True).click()
    expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()


def toast(page, text: str):
    return page.locator(".toasts .toast", has_text=text)


def test_a_person_logs_in_without_any_new_document(page, spa_sandbox, demo_account):
    documents = []
    page.on("request", lambda r: documents.append(r.url) if r.resource_type == "document" else None)
    page.goto(spa_sandbox.url)
    page.evaluate("window.__x = 1")
    page.get_by_role("button", name="J'ai compris").click()
    page.get_by_role("button", name="S'authentifier avec OTP").click()
    expect(page).to_have_url(re.compile(r"/fr/authentification/otp$"))
    field = page.get_by_placeholder("Votre identifiant")
    field.click()
    page.keyboard.type(demo_account.identifier)
    page.get_by_role("button", name="Continuer").click()
    expect(page).to_have_url(re.compile(r"/fr/authentification/otp/code$"))
    expect(page.get_by_text("envoyé par SMS au 06 •• •• •• 78. Il est valable 5 minutes.")).to_be_visible()
    code = spa_sandbox.outbox.wait_for(demo_account.identifier, timeout=5).code
    digit(page, 1).click()
    for n, figure in enumerate(code, start=1):
        expect(digit(page, n)).to_be_focused()
        page.keyboard.press(figure)
    page.get_by_label("Mot de passe").click()
    page.keyboard.type(demo_account.password)
    page.get_by_role("button", name="Valider", exact=True).click()
    expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/fr/espace-affilie$"))
    assert page.evaluate("window.__x") == 1
    assert documents == [spa_sandbox.url]
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(0)).to_have_text(re.compile(r"Période\s*État\s*Action"))
    expect(rows.nth(1)).to_contain_text("À déclarer")
    expect(rows.nth(2)).to_contain_text("Déclarée")
    assert page.locator("[role=alert]").count() == 0 and page.locator("form").count() == 0


def test_the_announcement_blocks_clicks_until_dismissed(page, spa_sandbox):
    page.goto(spa_sandbox.url)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Information importante")
    otp = page.get_by_role("button", name="S'authentifier avec OTP")
    with pytest.raises(PlaywrightError, match="intercepts pointer events"):
        otp.click(timeout=1500)
    box = otp.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # lands on the overlay
    expect(page).to_have_url(spa_sandbox.url)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Fermer").click()
    expect(dialog).to_have_count(0)
    otp.click()
    expect(page.get_by_placeholder("Votre identifiant")).to_be_visible()


def test_buttons_stay_disabled_until_the_fields_are_filled(page, spa_sandbox, demo_account):
    open_home(page, spa_sandbox.url)
    page.get_by_role("button", name="S'authentifier avec OTP").click()
    go_on = page.get_by_role("button", name="Continuer")
    expect(go_on).to_be_disabled()
    field = page.get_by_placeholder("Votre identifiant")
    assert field.evaluate("e => e.labels.length") == 0  # no <label for>: placeholder and a caption only
    field.fill("   ")
    expect(go_on).to_be_disabled()
    field.fill(demo_account.identifier)
    expect(go_on).to_be_enabled()
    go_on.click()
    valider = page.get_by_role("button", name="Valider", exact=True)
    expect(valider).to_be_disabled()
    type_code(page, "12345")
    expect(digit(page, 6)).to_be_focused()
    expect(valider).to_be_disabled()
    page.keyboard.type("6")
    expect(valider).to_be_disabled()  # no password yet
    page.get_by_label("Mot de passe").fill("x")
    expect(valider).to_be_enabled()
    digit(page, 6).press("Backspace")
    expect(digit(page, 6)).to_have_value("")
    expect(digit(page, 5)).to_be_focused()
    expect(valider).to_be_disabled()


def test_pasting_a_code_spreads_its_digits(page, spa_sandbox):
    to_code_screen(page, spa_sandbox.url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=spa_sandbox.url.removesuffix("/fr/"))
    page.evaluate("navigator.clipboard.writeText('48 21 97')")
    digit(page, 3).click()
    page.keyboard.press("Control+V")
    for n, figure in enumerate("482197", start=1):
        expect(digit(page, n)).to_have_value(figure)
    expect(digit(page, 6)).to_be_focused()


def test_wrong_code_shows_a_toast_that_vanishes_and_clears_the_boxes(page, demo_account):
    with Sandbox(Portal(), style="spa", sms_delay=0, toast_seconds=1.5) as sandbox:
        to_code_screen(page, sandbox.url)
        real = sandbox.outbox.all()[-1].code
        type_code(page, f"{(int(real) + 1) % 10**6:06d}")
        page.get_by_label("Mot de passe").fill(sandbox.portal.accounts["PHARMA-DEMO"].password)
        page.get_by_role("button", name="Valider", exact=True).click()
        message = toast(page, "Code incorrect. Il vous reste 2 essai(s).")
        expect(message).to_be_visible()
        expect(message).to_have_attribute("role", "status")
        expect(message).to_have_class("toast toast-error")
        for n in range(1, 7):
            expect(digit(page, n)).to_have_value("")
        expect(message).to_have_count(0)  # gone by itself, after the timer
        page.get_by_label("Mot de passe").fill("wrong")
        type_code(page, real)
        page.get_by_role("button", name="Valider", exact=True).click()
        expect(toast(page, "Mot de passe incorrect. Il vous reste 1 essai(s).")).to_be_visible()
        expect(page.get_by_label("Mot de passe")).to_have_value("")
        assert page.locator("[role=alert]").count() == 0


def test_three_wrong_tries_send_back_to_the_identifier_with_a_toast(page, spa_sandbox, demo_account):
    to_code_screen(page, spa_sandbox.url)
    wrong = "000000" if spa_sandbox.outbox.all()[-1].code != "000000" else "111111"
    for attempt in range(3):
        type_code(page, wrong)
        page.get_by_label("Mot de passe").fill(demo_account.password)
        page.get_by_role("button", name="Valider", exact=True).click()
        if attempt < 2:
            expect(toast(page, f"Il vous reste {2 - attempt} essai(s).")).to_be_visible()
            expect(digit(page, 1)).to_have_value("")
    expect(toast(page, "Trop de tentatives erronées")).to_be_visible()
    expect(page.get_by_placeholder("Votre identifiant")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/fr/authentification/otp$"))


def test_the_sms_step_is_slow_and_shows_a_spinner(page, demo_account):
    with Sandbox(Portal(), style="spa", sms_delay=1.5) as sandbox:
        open_home(page, sandbox.url)
        page.get_by_role("button", name="S'authentifier avec OTP").click()
        page.get_by_placeholder("Votre identifiant").fill(demo_account.identifier)
        page.get_by_role("button", name="Continuer").click()
        sending = page.get_by_role("button", name="Envoi du code…")
        expect(sending).to_be_disabled()
        expect(sending.locator(".spinner")).to_be_visible()
        assert sandbox.outbox.all() == []  # the code is sent at the end of the step
        expect(digit(page, 1)).to_be_visible()
        assert len(sandbox.outbox.all()) == 1


def test_unknown_identifier_and_resend_are_toasts(page, spa_sandbox):
    open_home(page, spa_sandbox.url)
    page.get_by_role("button", name="S'authentifier avec OTP").click()
    page.get_by_placeholder("Votre identifiant").fill("NOBODY")
    page.get_by_role("button", name="Continuer").click()
    expect(toast(page, "Identifiant inconnu. Vérifiez votre saisie.")).to_have_class(re.compile("toast-error"))
    page.get_by_placeholder("Votre identifiant").fill("PHARMA-DEMO")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Renvoyer le code").click()
    expect(toast(page, "Un nouveau code vous a été envoyé par SMS.")).to_have_class(re.compile("toast-info"))
    assert len(spa_sandbox.outbox.all()) == 2


def test_logout_renders_home_with_a_toast_and_deep_links_need_a_login(page, spa_sandbox, demo_account):
    log_in(page, spa_sandbox, demo_account)
    page.reload()  # a person's bookmark of the interface: the shell renders it again
    expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()
    page.evaluate("window.__x = 2")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(toast(page, "Vous êtes déconnecté.")).to_be_visible()
    expect(page.get_by_role("button", name="S'authentifier avec e-ID")).to_be_visible()
    expect(page).to_have_url(spa_sandbox.url)
    assert page.evaluate("window.__x") == 2
    page.goto(spa_sandbox.url + "espace-affilie")
    expect(toast(page, "Veuillez vous authentifier pour accéder à votre espace.")).to_be_visible()
    expect(page).to_have_url(spa_sandbox.url)


def test_back_button_shows_the_previous_screen_without_reload(page, spa_sandbox):
    to_code_screen(page, spa_sandbox.url)
    page.go_back()
    expect(page.get_by_placeholder("Votre identifiant")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("button", name="S'authentifier avec OTP")).to_be_visible()
    assert page.evaluate("window.__x") == 1


def test_declaration_filed_end_to_end(page, spa_sandbox, demo_account, tmp_path):
    log_in(page, spa_sandbox, demo_account)
    page.get_by_role("link", name="Déclarer").click()
    expect(page.get_by_role("heading", name=re.compile("Déclaration des salaires - "))).to_be_visible()
    period = page.url.rsplit("/", 1)[1]
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le préétabli").click()
    assert download.value.suggested_filename.startswith("PREETABLI_1234567_")
    page.get_by_label("Fichier de déclaration").set_input_files(
        str(make_file(tmp_path, demo_account, period, affiliation="7654321"))
    )
    page.get_by_role("button", name="Déposer le fichier").click()
    expect(toast(page, "Fichier refusé")).to_be_visible()
    expect(page.locator(".refus li").filter(has_text="N_Num_Affilie")).not_to_have_count(0)
    page.get_by_label("Fichier de déclaration").set_input_files(str(make_file(tmp_path, demo_account, period)))
    page.get_by_role("button", name="Déposer le fichier").click()
    expect(page.get_by_role("heading", name=re.compile("Confirmation de la déclaration"))).to_be_visible()
    expect(page.locator("#nombre-salaries")).to_have_text("4")
    expect(page.locator("#montant")).to_contain_text("MAD")
    page.get_by_role("button", name="Valider la déclaration").click()
    expect(page.get_by_role("heading", name="Accusé de réception")).to_be_visible()
    receipt = demo_account.receipts[period]
    expect(page.locator("#reference")).to_have_text(receipt.reference)
    expect(page.locator("#date-depot")).to_have_text(re.compile(r"\d{2}/\d{2}/\d{4} à \d{2}:\d{2}:\d{2}"))
    expect(page).to_have_url(re.compile(rf"/fr/declaration/{period}/accuse$"))
    assert page.evaluate("window.__x") == 1
    page.get_by_role("link", name="Retour à l'espace affilié").click()
    expect(page.get_by_role("row", name=f"{period[5:]}/{period[:4]}")).to_contain_text("Déclarée")
    assert spa_sandbox.portal.uploads == [(demo_account.identifier, period)]


def test_eid_approval_renders_the_interface_without_reload(page, spa_sandbox):
    open_home(page, spa_sandbox.url)
    page.get_by_role("button", name="S'authentifier avec e-ID").click()
    expect(page.get_by_role("img", name="Code QR e-ID")).to_be_visible()
    assert spa_sandbox.portal.approve_eid("PHARMA-DEMO") == 1
    expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()
    assert page.evaluate("window.__x") == 1


@pytest.mark.parametrize(
    "fault, toast_text, screen",
    [
        ("server-error", "Service momentanément indisponible", "Chiffre 1 du code"),
        ("session-expiry", "Votre session a expiré. Veuillez vous reconnecter.", None),
    ],
)
def test_faults_on_the_code_check_are_toasts(page, demo_account, fault, toast_text, screen):
    with Sandbox(Portal(), style="spa", sms_delay=0, faults=Faults(fault)) as sandbox:
        to_code_screen(page, sandbox.url)
        type_code(page, sandbox.outbox.all()[-1].code)
        page.get_by_label("Mot de passe").fill(demo_account.password)
        page.get_by_role("button", name="Valider", exact=True).click()
        expect(toast(page, toast_text)).to_have_class(re.compile("toast-error"))
        if screen:
            expect(page.get_by_label(screen, exact=True)).to_be_visible()
        else:
            expect(page.get_by_role("button", name="S'authentifier avec OTP")).to_be_visible()
            expect(page).to_have_url(sandbox.url)


def test_drifted_spa_still_works_for_a_person(page, demo_account):
    with Sandbox(Portal(), style="spa", sms_delay=0, faults=Faults("drift")) as sandbox:
        page.goto(sandbox.url)
        page.get_by_role("dialog").get_by_role("button", name="D'accord").click()
        page.get_by_role("button", name="Connexion par code SMS").click()
        page.get_by_placeholder("Code adhérent").fill(demo_account.identifier)
        page.get_by_role("button", name="Poursuivre").click()
        page.get_by_label("Caractère 1", exact=True).click()
        page.keyboard.type(sandbox.outbox.wait_for(demo_account.identifier, timeout=5).code)
        page.get_by_label("Mot de passe").fill(demo_account.password)
        page.get_by_role("button", name="Confirmer").click()
        expect(page.get_by_role("heading", name="Mon espace employeur")).to_be_visible()
        expect(page.get_by_role("heading", name="Obligations mensuelles")).to_be_visible()


def test_portal_falling_over_after_the_shell_loaded_is_a_toast(page, spa_sandbox, demo_account):
    open_home(page, spa_sandbox.url)
    page.get_by_role("button", name="S'authentifier avec OTP").click()
    spa_sandbox.server.faults.name = "unavailable"  # from now on every API call gets a 503
    page.get_by_placeholder("Votre identifiant").fill(demo_account.identifier)
    page.get_by_role("button", name="Continuer").click()
    expect(toast(page, "Service momentanément indisponible")).to_have_class(re.compile("toast-error"))
    expect(page.get_by_role("button", name="Continuer")).to_be_enabled()  # the person may try again
    assert spa_sandbox.outbox.all() == []


def test_expired_eid_request_goes_home_with_a_toast(page):
    now = [time.time()]
    with Sandbox(Portal(clock=lambda: now[0]), style="spa", sms_delay=0) as sandbox:
        open_home(page, sandbox.url)
        page.get_by_role("button", name="S'authentifier avec e-ID").click()
        expect(page.get_by_role("img", name="Code QR e-ID")).to_be_visible()
        now[0] += 3600
        expect(toast(page, "La demande e-ID a expiré. Recommencez.")).to_be_visible()
        expect(page).to_have_url(sandbox.url)
        expect(page.get_by_role("button", name="S'authentifier avec e-ID")).to_be_visible()
