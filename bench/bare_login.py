"""The baseline: a minimal Playwright script doing the bot's clicks and screenshots, nothing else.

Usage: python bench/bare_login.py URL IDENTIFIER OUTDIR [classic|spa]  (password in BARE_PASSWORD, code on stdin)
Prints one JSON line: {"code_at": epoch, "interface_at": epoch}.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bot.run.browser import LAUNCH_ARGS, choose


def main() -> None:
    url, identifier, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        choice = choose(None, managed_path=p.chromium.executable_path)
        options = (
            {"executable_path": choice.value}
            if choice.how == "executable"
            else ({"channel": choice.value} if choice.how == "channel" else {})
        )
        browser = p.chromium.launch(headless=True, args=LAUNCH_ARGS, **options)
        page = browser.new_page()
        shot = lambda name: page.screenshot(path=str(out / f"{name}.png"), full_page=True)  # noqa: E731
        spa = len(sys.argv) > 4 and sys.argv[4] == "spa"
        otp = page.get_by_role("button" if spa else "link", name="S'authentifier avec OTP")
        code_field = page.get_by_label("Chiffre 1 du code" if spa else "Code reçu par SMS")
        page.goto(url)
        shot("1")
        if spa:
            page.get_by_role("button", name="J'ai compris").click()
        otp.click()
        (page.get_by_placeholder("Votre identifiant") if spa else page.get_by_label("Identifiant")).fill(identifier)
        shot("2")
        page.get_by_role("button", name="Continuer").click()
        code_field.wait_for()
        shot("3")
        code = sys.stdin.readline().strip()
        code_at = time.time()
        code_field.press_sequentially(code) if spa else code_field.fill(code)
        page.get_by_label("Mot de passe").fill(os.environ["BARE_PASSWORD"])
        shot("4")
        page.get_by_role("button", name="Valider", exact=True).click()
        page.get_by_role("heading", name="Espace affilié").wait_for()
        shot("5")
        interface_at = time.time()
        page.get_by_role("button", name="Se déconnecter").click()
        otp.wait_for()
        shot("6")
        browser.close()
    print(json.dumps({"code_at": code_at, "interface_at": interface_at}))


if __name__ == "__main__":
    main()
