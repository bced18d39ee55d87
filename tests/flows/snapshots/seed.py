"""Seeds the snapshot test bed: the bot logs in on the sandbox (both styles) and the foreign portals,
and every screen it photographs is also kept as a sanitized snapshot (`bot/audit/snapshot.py`),
named `<screen>--<source>.html` after the screen it is; refusal and maintenance pages too.

    uv run python -m tests.flows.snapshots.seed
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bot.audit import snapshot
from bot.audit.recorder import Recorder
from bot.errors import BotError
from bot.run import browser as browsers
from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults
from flows.engine.context import FlowContext
from flows.login import login, logout
from tests import foreign_hurdles, foreign_portal, foreign_spa
from tests.conftest import outbox_person
from tests.support.people import CodeFrom

HERE = Path(__file__).resolve().parent
# The step of each screenshot the login takes, and the screen it shows.
SCREEN_OF_STEP = {
    "accueil": "home",
    "choix-connexion": "home",
    "identifiant": "identifier",
    "code-demande": "code_password",
    "espace-affilie": "interface",
    "espace-groupe": "group",
}


class SeedingRecorder(Recorder):
    def __init__(self, root: Path, source: str, entry_first: bool = False):
        super().__init__(root, "seed", "2026-10")
        self.source, self.entry_first = source, entry_first
        self.only: str | None = None  # the one step kept as a snapshot, when set

    def screenshot(self, page, step, *args, **kwargs):
        shot = super().screenshot(page, step, *args, **kwargs)
        screen = "entry" if step == "accueil" and self.entry_first else SCREEN_OF_STEP.get(step)
        if screen and self.only in (None, step):
            write(f"{screen}--{self.source}", snapshot.sanitized_html(page))
        return shot


def write(name: str, html: str) -> None:
    (HERE / f"{name}.html").write_text(html, encoding="utf-8")
    print(f"{name}.html")


def walk(
    browser, root: Path, source: str, url: str, identifier: str, password: str, person, entry_first: bool = False
) -> None:
    context = browser.new_context(locale="fr-FR")
    try:
        ctx = FlowContext(context.new_page(), SeedingRecorder(root, source, entry_first), 10, 20)
        logout(ctx, login(ctx, url, identifier, password, person))
    finally:
        context.close()


def walk_group(browser, root: Path, source: str, url: str, account, person) -> None:
    """The group's list only (the other screens are the demo account's)."""
    context = browser.new_context(locale="fr-FR")
    try:
        recorder = SeedingRecorder(root, source)
        recorder.only = "espace-groupe"
        ctx = FlowContext(context.new_page(), recorder, 10, 20)
        logout(ctx, login(ctx, url, account.identifier, account.password, person))
    finally:
        context.close()


def refusal(browser, root: Path, name: str, url: str) -> None:
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(url)
        write(name, snapshot.sanitized_html(page))
    finally:
        context.close()


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="seed-"))
    with sync_playwright() as playwright:
        choice = browsers.choose(None, managed_path=playwright.chromium.executable_path)
        browser = browsers.launch(playwright, choice, headless=True)
        for style in ("classic", "spa"):
            portal = Portal()
            account = portal.accounts["PHARMA-DEMO"]
            with Sandbox(portal, style=style, sms_delay=0) as sandbox:
                walk(
                    browser,
                    root,
                    f"sandbox-{style}",
                    sandbox.url,
                    account.identifier,
                    account.password,
                    outbox_person(sandbox, account.identifier),
                )
                group = portal.accounts["FIDUCIAIRE-GROUPE"]  # a « compte groupe »: its list of affiliates
                walk_group(
                    browser, root, f"sandbox-{style}", sandbox.url, group, outbox_person(sandbox, group.identifier)
                )
            with Sandbox(Portal(), style=style, faults=Faults("refuse-headless")) as sandbox:
                refusal(browser, root, f"refusal-firewall--sandbox-{style}", sandbox.url)
            with Sandbox(Portal(), style=style, faults=Faults("maintenance")) as sandbox:
                refusal(browser, root, f"unavailable--sandbox-{style}-maintenance", sandbox.url)
        with foreign_portal.ForeignPortal() as portal:
            walk(browser, root, "foreign-portal", portal.url, "FOREIGN-1", foreign_portal.PASSWORD, CodeFrom(portal))
        with foreign_spa.ForeignSpaPortal(sms_delay=0.2) as portal:
            walk(
                browser,
                root,
                "foreign-spa",
                portal.url,
                foreign_spa.IDENTIFIER,
                foreign_spa.PASSWORD,
                CodeFrom(portal),
                entry_first=True,
            )
        with foreign_hurdles.ForeignHurdlesPortal(modal=True, split_code=True) as portal:
            walk(
                browser,
                root,
                "foreign-hurdles",
                portal.url,
                foreign_hurdles.IDENTIFIER,
                foreign_hurdles.PASSWORD,
                CodeFrom(portal),
            )
        with foreign_hurdles.ForeignHurdlesPortal(forbidden=True) as portal:
            refusal(browser, root, "refusal-abroad--foreign-hurdles", portal.url)
        browser.close()


if __name__ == "__main__":
    try:
        main()
    except BotError as exc:
        raise SystemExit(f"Seeding stopped: {exc.message}")
