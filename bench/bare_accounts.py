"""The baseline of `bench/accounts.py --bare`: N logins at once, in one minimal Playwright script.

Usage: python bench/bare_accounts.py URL CODES_DIR OUTDIR IDENTIFIER:PASSWORD [...]
One Playwright driver, one browser, one context per account (what the bot's `login --all` shares
too), each doing bench/bare_login.py's classic steps and screenshots, all at once (the async API:
no thread per account). The code of IDENTIFIER is read from CODES_DIR/IDENTIFIER the moment the
bench writes it there (the sandbox « sends » it). Nothing else: no audit trail, no recognition.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bare_login import launch_options  # noqa: E402

OTP = "S'authentifier avec OTP"


async def code_of(codes: Path, identifier: str) -> str:
    path = codes / identifier
    while not path.exists():  # the person hands it over at once
        await asyncio.sleep(0.01)
    return path.read_text(encoding="utf-8").strip()


async def login(browser, url: str, codes: Path, out: Path, identifier: str, password: str) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    shots = 0

    async def shot() -> None:
        nonlocal shots
        shots += 1
        await page.screenshot(path=str(out / f"{identifier}-{shots}.png"), full_page=True)

    otp = page.get_by_role("link", name=OTP)
    await page.goto(url)
    await shot()
    await otp.click()
    await page.get_by_label("Identifiant").fill(identifier)
    await shot()
    await page.get_by_role("button", name="Continuer").click()
    code_field = page.get_by_label("Code reçu par SMS")
    await code_field.wait_for()
    await shot()
    await code_field.fill(await code_of(codes, identifier))
    await page.get_by_label("Mot de passe").fill(password)
    await shot()
    await page.get_by_role("button", name="Valider", exact=True).click()
    await page.get_by_role("heading", name="Espace affilié").wait_for()
    await shot()
    await page.get_by_role("button", name="Se déconnecter").click()
    await otp.wait_for()
    await shot()
    await context.close()


async def main(url: str, codes: Path, out: Path, accounts: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options(playwright.chromium.executable_path))
        pairs = [account.split(":", 1) for account in accounts]
        await asyncio.gather(*(login(browser, url, codes, out, ident, pw) for ident, pw in pairs))
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]))
