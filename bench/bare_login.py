"""The baseline: a minimal Playwright script doing the bot's clicks and screenshots, nothing else.

Usage: python bench/bare_login.py URL IDENTIFIER OUTDIR [SHAPE]  (password in BARE_PASSWORD, code on stdin)
SHAPE is one of `SCRIPTS` (default classic): each portal shape of bench/run.py has its own selectors,
written by someone who knows that portal, and takes the screenshots the bot takes there.
Prints one JSON line: {"code_at": epoch, "interface_at": epoch}.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Page, sync_playwright

from bot.run.browser import LAUNCH_ARGS, choose

OTP = "S'authentifier avec OTP"


class Run:
    """What every script shares: the page, numbered screenshots, the code read from stdin."""

    def __init__(self, page: Page, out: Path, url: str, identifier: str):
        self.page, self.out, self.url, self.identifier = page, out, url, identifier
        self.shots, self.code_at, self.interface_at = 0, 0.0, 0.0

    def shot(self) -> None:
        self.shots += 1
        self.page.screenshot(path=str(self.out / f"{self.shots}.png"), full_page=True)

    def code(self) -> str:
        code = sys.stdin.readline().strip()
        self.code_at = time.time()
        return code

    def arrived(self, heading) -> None:
        heading.wait_for()
        self.shot()
        self.interface_at = time.time()

    @property
    def password(self) -> str:
        return os.environ["BARE_PASSWORD"]


def classic(r: Run) -> None:
    p = r.page
    otp = p.get_by_role("link", name=OTP)
    p.goto(r.url)
    r.shot()
    otp.click()
    p.get_by_label("Identifiant").fill(r.identifier)
    r.shot()
    p.get_by_role("button", name="Continuer").click()
    code_field = p.get_by_label("Code reçu par SMS")
    code_field.wait_for()
    r.shot()
    code_field.fill(r.code())
    p.get_by_label("Mot de passe").fill(r.password)
    r.shot()
    p.get_by_role("button", name="Valider", exact=True).click()
    r.arrived(p.get_by_role("heading", name="Espace affilié"))
    p.get_by_role("button", name="Se déconnecter").click()
    otp.wait_for()
    r.shot()


def spa(r: Run) -> None:
    p = r.page
    otp = p.get_by_role("button", name=OTP)
    p.goto(r.url)
    r.shot()
    p.get_by_role("button", name="J'ai compris").click()
    otp.click()
    p.get_by_placeholder("Votre identifiant").fill(r.identifier)
    r.shot()
    p.get_by_role("button", name="Continuer").click()
    code_field = p.get_by_label("Chiffre 1 du code")
    code_field.wait_for()
    r.shot()
    code_field.press_sequentially(r.code())
    p.get_by_label("Mot de passe").fill(r.password)
    r.shot()
    p.get_by_role("button", name="Valider", exact=True).click()
    r.arrived(p.get_by_role("heading", name="Espace affilié"))
    p.get_by_role("button", name="Se déconnecter").click()
    otp.wait_for()
    r.shot()


def field(r: Run) -> None:
    """The field's shape: home offers no way in, the authentication at its known address, six
    boxes drawn 3 s after the code's screen, placeholders in capitals."""
    p = r.page
    p.goto(r.url)
    r.shot()
    p.goto(urljoin(r.url, "/fr/authentification"))
    r.shot()
    p.get_by_role("button", name=OTP).click()
    p.get_by_placeholder("IDENTIFIANT").fill(r.identifier)
    r.shot()
    p.get_by_role("button", name="Suivant").click()
    boxes = p.locator("input[type=tel][maxlength='1']")
    boxes.nth(5).wait_for()
    r.shot()
    for box, digit in zip(boxes.all(), r.code()):
        box.fill(digit)
    p.get_by_placeholder("MOT DE PASSE").fill(r.password)
    r.shot()
    p.get_by_role("button", name="Valider", exact=True).click()
    r.arrived(p.get_by_role("heading", name="Espace affilié"))
    p.get_by_role("button", name="Se déconnecter").click()
    p.get_by_role("heading", name="Caisse Nationale de Sécurité Sociale").wait_for()
    r.shot()


def foreign(r: Run) -> None:
    """tests/foreign_portal.py: structure only, no labels, no logout control."""
    p = r.page
    p.goto(r.url)
    r.shot()
    p.get_by_role("button", name=OTP).click()
    p.locator("input[name=u]").fill(r.identifier)
    r.shot()
    p.get_by_role("button", name="Recevoir le code").click()
    code_field = p.locator("input[name=otp]")
    code_field.wait_for()
    r.shot()
    code_field.fill(r.code())
    p.locator("input[name=pwd]").fill(r.password)
    r.shot()
    p.get_by_role("button", name="Valider").click()
    r.arrived(p.get_by_text("Espace affilié"))


def foreign_spa(r: Run) -> None:
    """tests/foreign_spa.py: cookie veil, « Mon compte », aria-labels, one document."""
    p = r.page
    otp = p.get_by_role("button", name=OTP)
    p.goto(r.url)
    r.shot()
    p.get_by_role("button", name="Accepter").click()
    p.get_by_role("link", name="Mon compte").click()
    otp.wait_for()
    r.shot()
    otp.click()
    p.get_by_role("textbox", name="Identifiant de connexion").fill(r.identifier)
    r.shot()
    p.get_by_role("button", name="Suivant").click()
    code_field = p.get_by_role("textbox", name="Code reçu par SMS")
    code_field.wait_for()
    r.shot()
    code_field.fill(r.code())
    p.get_by_label("Mot de passe").fill(r.password)
    r.shot()
    p.get_by_role("button", name="Valider").click()
    r.arrived(p.get_by_role("heading", name="Espace affilié"))
    p.get_by_role("button", name="Se déconnecter").click()
    p.get_by_role("heading", name="Bienvenue sur le portail des employeurs").wait_for()
    r.shot()


def foreign_hurdles(r: Run) -> None:
    """tests/foreign_hurdles.py with its announcement modal and one box per digit."""
    p = r.page
    otp = p.get_by_role("link", name=OTP)
    p.goto(r.url)
    r.shot()
    p.get_by_role("button", name="Fermer").click()
    otp.click()
    p.get_by_label("Identifiant").fill(r.identifier)
    r.shot()
    p.get_by_role("button", name="Recevoir le code par SMS").click()
    boxes = p.locator(".chiffres input")
    boxes.first.wait_for()
    r.shot()
    for box, digit in zip(boxes.all(), r.code()):
        box.fill(digit)
    p.get_by_label("Mot de passe").fill(r.password)
    r.shot()
    p.get_by_role("button", name="Valider").click()
    r.arrived(p.get_by_role("heading", name="Espace affilié"))
    p.get_by_role("link", name="Déconnexion").click()
    otp.wait_for()
    r.shot()


SCRIPTS = {
    "classic": classic,
    "spa": spa,
    "field": field,
    "foreign": foreign,
    "foreign-spa": foreign_spa,
    "foreign-hurdles": foreign_hurdles,
}


def launch_options(managed_path: str) -> dict:
    """The browser the bot takes on this machine, launched as the bot launches it."""
    choice = choose(None, managed_path=managed_path)
    where = (
        {"executable_path": choice.value}
        if choice.how == "executable"
        else ({"channel": choice.value} if choice.how == "channel" else {})
    )
    return {"headless": True, "args": LAUNCH_ARGS, **where}


def main() -> None:
    url, identifier, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    script = SCRIPTS[sys.argv[4] if len(sys.argv) > 4 else "classic"]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_options(p.chromium.executable_path))
        run = Run(browser.new_page(), out, url, identifier)
        script(run)
        browser.close()
    print(json.dumps({"code_at": run.code_at, "interface_at": run.interface_at, "shots": run.shots}))


if __name__ == "__main__":
    main()
