"""The audit folder of one run: `recordings/<account>/<period>/<local time>-<run id>/`.

Every screenshot is full page with the secret fields masked (a password field's bullets reveal
its length), hashed into the manifest as it is written. On failure: the page's HTML with every
input value removed, and the browser console errors.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import Callable

from loguru import logger
from playwright.sync_api import Error as PlaywrightError

from bot.audit import journal
from bot.audit.manifest import ManifestWriter, sha256_file
from bot.errors import ConfigError, StorageError
from bot.output.playwright_fr import first_line, in_french
from bot.output.redact import scrub
from bot.output.system_fr import why
from bot.system import clock
from bot.system.files import make_private, private_dir, safe_name

# Masked on every screenshot, whatever the page.
SECRET_FIELDS = (
    "input[type=password]",
    "input[autocomplete=one-time-code]",
    "input[inputmode=numeric]",
    "input[maxlength='6']",
)
# The page's HTML as evidence, minus anything typed or hidden in a form (CSRF tokens included).
_SANITIZED_HTML = """() => {
  const copy = document.documentElement.cloneNode(true);
  copy.querySelectorAll('input').forEach(i => { i.removeAttribute('value'); i.setAttribute('value', ''); });
  copy.querySelectorAll('textarea').forEach(t => { t.textContent = ''; });
  copy.querySelectorAll('script').forEach(s => { s.textContent = ''; });
  return '<!doctype html>\\n' + copy.outerHTML;
}"""
_BOXES = """(els) => els.filter(e => e.offsetParent !== null).map(e => {
  const r = e.getBoundingClientRect();
  return [Math.round(r.x + scrollX), Math.round(r.y + scrollY), Math.round(r.width), Math.round(r.height)];
})"""


# A failing page must not hold the run for a full action timeout; but a loaded PC took more than 5 s
# twice to paint the browser's own error page after a reset connection: the evidence was lost.
FAILURE_SHOT_MS = 15_000
# A step's screenshot: painting a page is not waiting for the portal, and a loaded PC took more than
# the tests' 5 s action timeout for a masked full page (load 40): evidence lost, a good run failed.
STEP_SHOT_MS = 30_000


def new_run_id() -> str:
    return secrets.token_hex(3)


class Recorder:
    def __init__(
        self,
        root: Path,
        account: str = "",
        period: str = "",
        *,
        now: Callable[[], datetime] = clock.now,
        run_id: str | None = None,
        tsa_url: str | None = None,
        kind: str = "connexion",
        deadline_of: Callable[[str], datetime] | None = None,
        state_dir: Path | None = None,
    ):
        """`state_dir`: where the journal of runs keeps what this folder was (bot/audit/journal.py)."""
        self.now = now
        self.state_dir = state_dir
        self.tsa_url = tsa_url
        self.run_id = run_id or new_run_id()
        self.started = now()
        self.account = account or "compte"
        self.period = period or clock.previous_period(self.started)
        stamp = self.started.strftime("%Y%m%d-%H%M%S")
        self.folder = Path(root) / safe_name(self.account) / self.period / f"{stamp}-{self.run_id}"
        try:
            for level in (Path(root), self.folder.parent.parent, self.folder.parent, self.folder):
                private_dir(level)
        except OSError as exc:
            raise ConfigError(
                f"Impossible d'écrire dans le dossier des enregistrements « {root} » ({why(exc)}). "
                "Choisissez un dossier accessible avec DAMANCOM_RECORDINGS."
            ) from None
        self.manifest = ManifestWriter(self.folder)
        self.shots: list[Path] = []
        self.console_errors: list[str] = []
        self.finished = False
        self.proof = False  # set when this run filed (or fetched the receipt of) a declaration
        # `kind` (« connexion », « declaration ») tells the report what the run was for
        identity = {"account": self.account, "period": self.period, "run_id": self.run_id, "kind": kind}
        if deadline_of is not None:  # the period's deadline by the plan's rules, for the report
            identity["deadline"] = deadline_of(self.period).isoformat()
        self.record("debut", outcome="ok", **identity, **({"tsa": tsa_url} if tsa_url else {}))
        journal.opened(state_dir, self.folder.name, self.run_id, self.account, self.period, tsa_url, self.manifest.prev)

    # the manifest --------------------------------------------------------------------
    def record(self, step: str, *, url: str = "", outcome: str = "ok", file: Path | None = None, **extra) -> dict:
        entry = {"time": self.now().isoformat(timespec="milliseconds"), "step": step, "url": url, "outcome": outcome}
        if file is not None:
            entry.update(file=file.name, sha256=sha256_file(file))
        try:
            return self.manifest.append({**entry, **extra})
        except OSError as exc:
            raise StorageError.from_os(exc, self.folder) from None

    def new_file(self, step: str, suffix: str) -> Path:
        """The name the next file of this run takes (numbered like the screenshots); `add_file` records it."""
        return self._next_name(step, suffix)

    def _next_name(self, step: str, suffix: str) -> Path:
        """Screenshots numbered 01, 02… in order, as the report's steps and the « Captures » count;
        the evidence of a failure carries its screenshot's number."""
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-") or "ecran"
        number = len(self.shots) + 1 if suffix == ".png" else len(self.shots)
        path, again = self.folder / f"{number:02d}-{slug}{suffix}", 1
        while path.exists():  # a file the manifest holds is never written over
            again += 1
            path = self.folder / f"{number:02d}-{slug}-{again}{suffix}"
        return path

    # screenshots ---------------------------------------------------------------------
    def watch(self, page) -> None:
        """Collects console errors from the first page on: they go into the failure evidence."""
        page.on(
            "console",
            lambda m: (
                self.console_errors.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None
            ),
        )
        page.on("pageerror", lambda e: self.console_errors.append(f"erreur de page : {e}"))

    def screenshot(
        self, page, step: str, extra_masks=(), outcome: str = "ok", timeout: float | None = None, **extra
    ) -> Path:
        """A masked full-page screenshot; `extra` goes into its manifest line (totals read on screen…).
        A browser hiccup (« Protocol error ») gets one more try before it counts."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            return self._screenshot(page, step, extra_masks, outcome, timeout, extra)
        except PlaywrightTimeout:
            raise  # a page that does not settle would only double the wait
        except PlaywrightError as exc:
            logger.debug("Capture d'écran à refaire ({}) : {}", step, str(exc).splitlines()[0] if str(exc) else exc)
        return self._screenshot(page, step, extra_masks, outcome, timeout, extra)

    def _screenshot(self, page, step: str, extra_masks, outcome: str, timeout: float | None, extra: dict) -> Path:
        path = self._next_name(step, ".png")
        secret = page.locator(", ".join(SECRET_FIELDS))  # one locator: one query and one overlay per shot, not four
        masks = [secret, *extra_masks]
        boxes = secret.evaluate_all(_BOXES)
        try:
            self._capture(page, path, masks, timeout)
        except OSError as exc:
            path.unlink(missing_ok=True)  # half a screenshot is no evidence
            raise StorageError.from_os(exc, self.folder) from None
        self.shots.append(path)
        self.record(step, url=page.url, outcome=outcome, file=path, masked=boxes, **extra)
        logger.debug("Capture d'écran {}", path.name)
        return path

    @staticmethod
    def _capture(page, path: Path, masks, timeout: float | None) -> None:
        """A visible window not yet painted (just opened, or under another one) refuses a capture
        (« Unable to capture screenshot »): bring it to the front and try once more."""
        for attempt in (1, 2):
            try:
                page.screenshot(
                    path=str(path),
                    full_page=True,
                    mask=masks,
                    mask_color="#000000",
                    animations="disabled",
                    timeout=STEP_SHOT_MS if timeout is None else timeout,
                )
                return
            except PlaywrightError as exc:
                if attempt == 2 or "captureScreenshot" not in str(exc):
                    raise
                logger.debug("Capture refusée par le navigateur, nouvel essai : {}", str(exc).splitlines()[0])
                page.bring_to_front()

    def element_screenshot(self, locator, step: str) -> Path:
        path = self._next_name(step, ".png")
        locator.screenshot(path=str(path))
        self.shots.append(path)
        self.record(step, url=locator.page.url, file=path)
        return path

    def try_screenshot(self, page, step: str) -> Path | None:
        """On a failure path: a screenshot if the page still allows one, never a new error.

        The browser may be swapping in its own error page: one more try once that has loaded. A page
        that could not be painted within FAILURE_SHOT_MS gets no second try: after a reset connection
        one such page cost 45 s of a run (two shots and the wait between), to no avail.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for attempt in (1, 2):
            try:
                return self._screenshot(page, step, (), "echec", FAILURE_SHOT_MS, {})
            except StorageError as exc:  # no room for evidence: say so once, do not insist
                logger.warning("Capture d'écran impossible ({}) : {}", step, exc.message)
                return None
            except Exception as exc:  # noqa: BLE001 - the original failure matters more
                if attempt == 2 or isinstance(exc, PlaywrightTimeout):
                    logger.debug("Capture d'écran : {}", first_line(exc))
                    logger.warning("Capture d'écran impossible ({}) : {}.", step, in_french(exc))
                    return None
                try:
                    page.wait_for_load_state("domcontentloaded", timeout=FAILURE_SHOT_MS)
                except Exception:  # noqa: BLE001
                    pass
        return None

    def failure_evidence(self, page) -> None:
        """The page's HTML (input values removed) and the console errors, next to the screenshot."""
        try:
            html = self._next_name("echec-page", ".html")
            html.write_text(scrub(page.evaluate(_SANITIZED_HTML)), encoding="utf-8")
            self.record("echec-page-html", url=page.url, outcome="echec", file=html)
        except Exception as exc:  # noqa: BLE001 - a closed page or a full disk: keep what we have
            logger.debug("HTML de la page : {}", first_line(exc))
            logger.warning("HTML de la page non enregistré : {}.", in_french(exc))
        try:
            console = self._next_name("echec-console", ".txt")
            console.write_text(
                scrub("\n".join(self.console_errors) or "Aucune erreur dans la console.") + "\n", encoding="utf-8"
            )
            self.record("echec-console", outcome="echec", file=console)
        except (OSError, StorageError) as exc:
            logger.warning("Erreurs de console non enregistrées : {}", exc)

    def add_file(self, path: Path, step: str, outcome: str = "ok", **extra) -> None:
        make_private(path)  # written by Playwright or a page object: trace.zip holds the session cookie
        self.record(step, outcome=outcome, file=path, **extra)

    # the end ---------------------------------------------------------------------------
    def finish(
        self,
        exit_code: int,
        message: str,
        *,
        reports: list[Path] = (),
        proof: bool | None = None,
        ended: datetime | None = None,
    ) -> dict:
        """The last line: outcome, exit code, the reports' hashes; `proof` marks a filed declaration.
        `ended` is the end time the reports already show (they are written before this line)."""
        self.finished = True
        ended = ended or self.now()
        proof = self.proof if proof is None else proof
        files = {p.name: sha256_file(p) for p in reports if p.exists()}
        try:
            line = self.record(
                "fin",
                outcome="ok" if exit_code == 0 else "echec",
                exit_code=int(exit_code),
                message=scrub(message),
                finished=ended.isoformat(timespec="seconds"),
                reports=files,
                proof=proof,
            )
        except StorageError as exc:  # the run's own error says more; the lines written so far stay valid
            logger.warning("Ligne de fin du manifeste non écrite : {}", exc.message)
            return {}
        # noted before the stamp is asked for (up to 10 s): a kill meanwhile leaves a journal that agrees
        journal.closed(self.state_dir, self.folder.name, self.manifest.prev)
        if self.tsa_url and self._stamp():
            journal.stamped(self.state_dir, self.folder.name)
        return line

    def _stamp(self) -> bool:
        """Anchors the final line's hash (hence every line and file) outside this computer."""
        from bot.audit import timestamp
        from bot.audit.verify import TIMESTAMP_NAME, TIMESTAMP_STEP

        try:
            answer = timestamp.request(self.tsa_url, bytes.fromhex(self.manifest.prev))
            target = self.folder / TIMESTAMP_NAME
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(answer)
            logger.debug("Horodatage RFC 3161 enregistré ({}).", self.tsa_url)
            return True
        except (timestamp.TimestampUnavailable, OSError) as exc:
            reason = str(exc) if isinstance(exc, timestamp.TimestampUnavailable) else why(exc)
            logger.warning("Horodatage impossible : {}. Le dossier reste vérifiable, sans date prouvée.", reason)
            try:
                self.record(TIMESTAMP_STEP, outcome="indisponible", tsa=self.tsa_url, message=scrub(reason))
            except StorageError:
                pass
            return False
