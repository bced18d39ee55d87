"""The independent portals themselves, driven by plain Playwright as a person would.

These tests do not use the bot: they prove that each portal, and each hurdle flag, behaves as
documented, so that a bot test failing against them points at the bot.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests import foreign_hurdles as hurdles
from tests import foreign_spa as spa
from tests.foreign_hurdles import ForeignHurdlesPortal
from tests.foreign_spa import ForeignSpaPortal

OTP = "S'authentifier avec OTP"


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(5000)
    return page


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# -- the single-page portal ------------------------------------------------------------------


def spa_to_identifier(page: Page, p: ForeignSpaPortal) -> None:
    page.goto(p.url)
    page.get_by_role("button", name="Accepter").click()
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("button", name=OTP).click()


def spa_ask_code(page: Page, p: ForeignSpaPortal) -> str:
    page.get_by_role("textbox", name="Identifiant de connexion").fill("FOREIGN-1")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("textbox", name="Code reçu par SMS")).to_be_visible()
    return p.codes[-1]


def spa_submit(page: Page, code: str, password: str) -> None:
    page.get_by_role("textbox", name="Code reçu par SMS").fill(code)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Valider").click()


def test_spa_a_person_logs_in_and_out_in_one_document(page):
    with ForeignSpaPortal(sms_delay=0.05) as p:
        page.goto(p.url)
        page.evaluate("window.sameDocument = true")
        # The consent veil is over the page: « Mon compte » cannot be clicked until answered.
        expect(page.get_by_text("Nous utilisons des cookies")).to_be_visible()
        with pytest.raises(PlaywrightTimeout):
            page.get_by_role("link", name="Mon compte").click(trial=True, timeout=700)
        page.get_by_role("button", name="Accepter").click()
        expect(page.get_by_text("Nous utilisons des cookies")).to_be_hidden()
        # Home has no OTP button, only the « Mon compte » entry.
        expect(page.get_by_role("heading", name="Bienvenue sur le portail des employeurs")).to_be_visible()
        expect(page.get_by_text(OTP)).to_have_count(0)
        page.get_by_role("link", name="Mon compte").click()
        expect(page.get_by_role("button", name="Identité Numérique (e-ID)")).to_be_visible()
        page.get_by_role("button", name=OTP).click()

        ident = page.get_by_role("textbox", name="Identifiant de connexion")
        expect(page.get_by_role("button", name="Suivant")).to_be_disabled()
        ident.fill("FOREIGN-1")
        expect(page.get_by_role("button", name="Suivant")).to_be_enabled()
        page.get_by_role("button", name="Suivant").click()

        code_field = page.get_by_role("textbox", name="Code reçu par SMS")
        expect(code_field).to_have_attribute("type", "tel")
        expect(code_field).to_have_attribute("autocomplete", "one-time-code")
        assert p.code_sent.is_set() and len(p.codes) == 1
        assert page.locator("form, label").count() == 0
        spa_submit(page, p.codes[-1], spa.PASSWORD)

        expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()
        expect(page.get_by_role("link", name="Déclaration des salaires")).to_be_visible()
        expect(page.get_by_role("row", name="10/2026 Non déclarée")).to_be_visible()
        expect(page.get_by_role("row", name="09/2026 Déclarée")).to_be_visible()
        assert p.logged_in == 1 and p.failures == 0

        page.get_by_role("button", name="Se déconnecter").click()
        expect(page.get_by_role("heading", name="Bienvenue sur le portail des employeurs")).to_be_visible()
        assert p.logged_out == 1
        assert page.evaluate("window.sameDocument") is True
        assert page.url == p.url


def test_spa_sms_takes_its_time_and_the_button_says_so(page):
    with ForeignSpaPortal(sms_delay=1.0) as p:
        spa_to_identifier(page, p)
        page.get_by_role("textbox", name="Identifiant de connexion").fill("FOREIGN-1")
        page.get_by_role("button", name="Suivant").click()
        expect(page.get_by_role("button", name="Envoi du code en cours…")).to_be_disabled()
        expect(page.get_by_role("textbox", name="Code reçu par SMS")).to_be_visible()
        assert p.code_sent.is_set()


def test_spa_unknown_identifier_and_eid_option(page):
    with ForeignSpaPortal(sms_delay=0.01) as p:
        spa_to_identifier(page, p)
        page.get_by_role("textbox", name="Identifiant de connexion").fill("PERSONNE")
        page.get_by_role("button", name="Suivant").click()
        expect(page.get_by_text("Identifiant inconnu ou compte inactif.")).to_be_visible()
        assert p.codes == []
        page.get_by_role("button", name="Retour").click()
        page.get_by_role("button", name="Identité Numérique (e-ID)").click()
        expect(page.get_by_text("Ouvrez l'application « Identité Numérique »")).to_be_visible()


def test_spa_same_message_for_wrong_code_or_password_and_three_tries(page):
    with ForeignSpaPortal(sms_delay=0.01) as p:
        spa_to_identifier(page, p)
        code = spa_ask_code(page, p)
        spa_submit(page, wrong(code), spa.PASSWORD)
        error = page.locator("p.err")
        expect(error).to_have_text("Code ou mot de passe incorrect.")
        assert error.get_attribute("role") is None and error.get_attribute("aria-live") is None
        # The message sits right after the button.
        assert page.locator("#valider + p.err").count() == 1
        spa_submit(page, code, "pas-le-bon")
        # The old message is still there until the answer: wait for the answer (password cleared).
        expect(page.get_by_label("Mot de passe")).to_have_value("")
        expect(error).to_have_text("Code ou mot de passe incorrect.")
        expect(error).to_have_count(1)
        assert p.failures == 2 and p.logged_in == 0
        spa_submit(page, code, "toujours-pas")
        expect(page.get_by_text(spa.WRONG_TOO_OFTEN)).to_be_visible()
        expect(page.get_by_role("textbox", name="Identifiant de connexion")).to_be_visible()
        assert p.failures == 3
        # The burnt code no longer works; a new one does.
        code = spa_ask_code(page, p)
        spa_submit(page, code, spa.PASSWORD)
        expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()
        assert p.logged_in == 1 and len(p.codes) == 2


def test_spa_code_expires_after_five_minutes(page):
    with ForeignSpaPortal(sms_delay=0.01) as p:
        spa_to_identifier(page, p)
        code = spa_ask_code(page, p)
        p.advance(301)
        spa_submit(page, code, spa.PASSWORD)
        expect(page.get_by_text(spa.EXPIRED)).to_be_visible()
        expect(page.get_by_role("textbox", name="Identifiant de connexion")).to_be_visible()
        assert p.logged_in == 0


def test_spa_reload_goes_home_midway_and_keeps_the_session_once_in(page):
    with ForeignSpaPortal(sms_delay=0.01) as p:
        spa_to_identifier(page, p)
        code = spa_ask_code(page, p)
        page.reload()
        # Consent is remembered; the in-memory screen is not.
        expect(page.get_by_role("heading", name="Bienvenue sur le portail des employeurs")).to_be_visible()
        expect(page.get_by_text("Nous utilisons des cookies")).to_be_hidden()
        page.get_by_role("link", name="Mon compte").click()
        page.get_by_role("button", name=OTP).click()
        code = spa_ask_code(page, p)
        spa_submit(page, code, spa.PASSWORD)
        expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()
        page.reload()
        expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()


def test_spa_refusing_cookies_also_lifts_the_veil(page):
    with ForeignSpaPortal() as p:
        page.goto(p.url)
        page.get_by_role("button", name="Refuser").click()
        page.get_by_role("link", name="Mon compte").click()
        expect(page.get_by_role("button", name=OTP)).to_be_visible()


# -- the server-rendered portal with hurdles ----------------------------------------------------


def hurdles_ask_code(page: Page, p: ForeignHurdlesPortal, *, captcha: str | None = None) -> None:
    page.get_by_label("Identifiant").fill("FOREIGN-1")
    if captcha is not None:
        page.get_by_label("Recopiez les caractères de l'image").fill(captcha)
    page.get_by_role("button", name="Recevoir le code par SMS").click()


def hurdles_submit(page: Page, code: str, password: str) -> None:
    page.get_by_label("Code reçu par SMS").fill(code)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Valider").click()


def expect_dashboard(page: Page) -> None:
    expect(page.get_by_role("heading", name="Espace affilié")).to_be_visible()
    expect(page.get_by_role("link", name="Déclaration des salaires")).to_be_visible()
    expect(page.get_by_role("row", name="Octobre 2026 Non déclarée")).to_be_visible()


def test_hurdles_plain_path_a_person_logs_in_and_out(page):
    with ForeignHurdlesPortal() as p:
        page.goto(p.url)
        page.get_by_role("link", name=OTP).click()
        hurdles_ask_code(page, p)
        code_field = page.get_by_label("Code reçu par SMS")
        expect(code_field).to_have_attribute("autocomplete", "one-time-code")
        hurdles_submit(page, p.codes[-1], hurdles.PASSWORD)
        expect_dashboard(page)
        assert p.logged_in == 1 and p.failures == 0 and p.journal == ["sms", "code-screen"]
        page.get_by_role("link", name="Déconnexion").click()
        expect(page.get_by_role("link", name=OTP)).to_be_visible()


def test_hurdles_wrong_code_wrong_password_then_too_many(page):
    with ForeignHurdlesPortal() as p:
        page.goto(p.url)
        page.get_by_role("link", name=OTP).click()
        hurdles_ask_code(page, p)
        code = p.codes[-1]
        hurdles_submit(page, wrong(code), hurdles.PASSWORD)
        expect(page.locator("div.msg.msg--ko")).to_have_text("Le code saisi n'est pas valide.")
        hurdles_submit(page, code, "faux")
        expect(page.locator("div.msg.msg--ko")).to_have_text(hurdles.BAD_PASSWORD)
        hurdles_submit(page, wrong(code), hurdles.PASSWORD)
        expect(page.locator("div.msg.msg--ko")).to_have_text(hurdles.TOO_MANY)
        expect(page.get_by_role("button", name="Recevoir le code par SMS")).to_be_visible()
        assert p.failures == 3 and p.logged_in == 0


def test_hurdles_code_expires(page):
    with ForeignHurdlesPortal() as p:
        page.goto(p.url)
        page.get_by_role("link", name=OTP).click()
        hurdles_ask_code(page, p)
        p.advance(301)
        hurdles_submit(page, p.codes[-1], hurdles.PASSWORD)
        expect(page.locator("div.msg.msg--ko")).to_have_text(hurdles.EXPIRED)
        assert p.logged_in == 0


def test_hurdles_profile_step_comes_before_the_identifier(page):
    with ForeignHurdlesPortal(profile_step=True) as p:
        page.goto(p.url)
        page.get_by_role("link", name=OTP).click()
        expect(page.get_by_role("group", name="Vous êtes :")).to_be_visible()
        expect(page.get_by_label("Identifiant")).to_have_count(0)
        page.get_by_role("button", name="Continuer").click()
        expect(page.get_by_text("Veuillez indiquer votre profil.")).to_be_visible()
        page.get_by_role("radio", name="Mandataire (compte groupe)").check()
        page.get_by_role("button", name="Continuer").click()
        hurdles_ask_code(page, p)
        hurdles_submit(page, p.codes[-1], hurdles.PASSWORD)
        expect_dashboard(page)
        assert p.profiles == ["MANDATAIRE"]


def test_hurdles_identifier_screen_cannot_be_skipped_past_the_profile(page):
    with ForeignHurdlesPortal(profile_step=True) as p:
        page.goto(p.url.replace("accueil.do", "authentification/identification.do"))
        expect(page.get_by_role("group", name="Vous êtes :")).to_be_visible()


def test_hurdles_captcha_is_an_image_checked_by_the_server(page):
    with ForeignHurdlesPortal(captcha=True) as p:
        page.goto(p.url)
        page.get_by_role("link", name=OTP).click()
        image = page.get_by_role("img", name="Image de vérification")
        expect(image).to_be_visible()
        assert image.evaluate("img => img.naturalWidth") == 150  # the SVG really renders
        first = p.captcha_answer
        assert first and first not in page.content()
        hurdles_ask_code(page, p, captcha="ZZZZZ" if first != "ZZZZZ" else "YYYYY")
        expect(page.locator("div.msg.msg--ko")).to_have_text(hurdles.BAD_CAPTCHA)
        assert p.codes == [] and not p.code_sent.is_set()
        assert p.captcha_answer != first
        hurdles_ask_code(page, p, captcha=p.captcha_answer.lower())
        hurdles_submit(page, p.codes[-1], hurdles.PASSWORD)
        expect_dashboard(page)


def test_hurdles_modal_covers_home_until_closed(page):
    with ForeignHurdlesPortal(modal=True) as p:
        page.goto(p.url)
        expect(page.get_by_role("dialog")).to_be_visible()
        with pytest.raises(PlaywrightTimeout):
            page.get_by_role("link", name=OTP).click(trial=True, timeout=700)
        page.get_by_role("button", name="Fermer").click()
        expect(page.get_by_role("dialog")).to_be_hidden()
        page.get_by_role("link", name=OTP).click()
        expect(page.get_by_label("Identifiant")).to_be_visible()


def test_hurdles_split_code_in_six_boxes(page):
    with ForeignHurdlesPortal(split_code=True) as p:
        page.goto(p.url)
        page.get_by_role("link", name=OTP).click()
        hurdles_ask_code(page, p)
        boxes = page.locator("input[name^=d][maxlength='1']")
        expect(boxes).to_have_count(6)
        for i, digit in enumerate(wrong(p.codes[-1]), start=1):
            page.get_by_label(f"Chiffre {i}", exact=True).fill(digit)
        page.get_by_label("Mot de passe").fill(hurdles.PASSWORD)
        page.get_by_role("button", name="Valider").click()
        expect(page.locator("div.msg.msg--ko")).to_have_text(hurdles.BAD_CODE)
        for i, digit in enumerate(p.codes[-1], start=1):
            page.get_by_label(f"Chiffre {i}", exact=True).fill(digit)
        page.get_by_label("Mot de passe").fill(hurdles.PASSWORD)
        page.get_by_role("button", name="Valider").click()
        expect_dashboard(page)


def test_hurdles_forbidden_answers_403_everywhere(page):
    with ForeignHurdlesPortal(forbidden=True) as p:
        response = page.goto(p.url)
        assert response.status == 403
        expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
        response = page.goto(p.url.replace("accueil.do", "authentification/identification.do"))
        assert response.status == 403
        p.forbidden = False
        page.goto(p.url)
        expect(page.get_by_role("link", name=OTP)).to_be_visible()


def test_hurdles_reset_closes_the_connection_without_answer(page):
    with ForeignHurdlesPortal(reset=True) as p:
        with pytest.raises(PlaywrightError, match="ERR_CONNECTION_RESET"):
            page.goto(p.url)
        assert p.requests >= 1 and p.sessions == {}


def test_hurdles_slow_code_screen_the_sms_arrives_first(page):
    with ForeignHurdlesPortal(slow_code_screen=0.5) as p:
        page.goto(p.url)
        page.get_by_role("link", name=OTP).click()
        hurdles_ask_code(page, p)
        assert p.code_sent.wait(5)
        hurdles_submit(page, p.codes[-1], hurdles.PASSWORD)
        expect_dashboard(page)
        assert p.journal == ["sms", "code-screen"]
        (_, sent), (_, served) = p.timeline
        assert served - sent >= 0.5  # by construction: the screen waits, the SMS did not


def test_hurdles_all_gentle_hurdles_at_once_still_let_a_person_in(page):
    with ForeignHurdlesPortal(profile_step=True, captcha=True, modal=True, split_code=True, slow_code_screen=0.2) as p:
        page.goto(p.url)
        page.get_by_role("button", name="Fermer").click()
        page.get_by_role("link", name=OTP).click()
        page.get_by_role("radio", name="Employeur").check()
        page.get_by_role("button", name="Continuer").click()
        # The answer exists once the screen showing the captcha has been served.
        expect(page.get_by_label("Recopiez les caractères de l'image")).to_be_visible()
        hurdles_ask_code(page, p, captcha=p.captcha_answer)
        for i, digit in enumerate(p.codes[-1], start=1):
            page.get_by_label(f"Chiffre {i}", exact=True).fill(digit)
        page.get_by_label("Mot de passe").fill(hurdles.PASSWORD)
        page.get_by_role("button", name="Valider").click()
        expect_dashboard(page)
        assert p.profiles == ["EMPLOYEUR"] and p.logged_in == 1
