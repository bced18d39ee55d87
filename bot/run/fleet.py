"""`login --all`, `declare --all`: every account, concurrently, in one browser.

One Playwright driver and one Chromium for all accounts, one browser context (its own cookies) per
account: the worker threads share the driver (bot/run/driver.py) and its connection to the
Chromium, reached over its DevTools port; at most DAMANCOM_PARALLEL workers (4 by default), each
taking the next account when done. An account whose portal refused invisible browsers gets a
window of one visible browser, shared the same way (bot/run/fleet_browsers.py). With
DAMANCOM_BROWSER=ws://… the driver connects to that Playwright server instead (the browsers run on
another machine; no window there).

Each account runs exactly as `--account NAME` would: its own settings and password, lock, lockout
count, audit folder and hand-over (its Telegram chat, notifications, `otp CODE --account NAME`).
One account's failure never stops the others. The exit code is the worst account's (each code's
rank in `bot/exit_codes.py`).
"""

from __future__ import annotations

import copy
import io
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from loguru import logger

from bot.env import Env
from bot.errors import BadInput, BotError, BrowserNotFound
from bot.exit_codes import ExitCode, worst


@dataclass
class Outcome:
    account: str
    identifier: str
    code: int
    message: str
    seconds: float = 0.0
    folder: str = ""


def parallel(environ) -> int:
    from bot.settings import table

    return table.PARALLEL.get(environ)


def run_all(args, env: Env, one: Callable, *, what: str, steps=None) -> int:
    """`one(args, account_env, browser) -> int` for each account, a « compte groupe »'s employers
    through bot/run/group.py with the commands' `steps` (group.Steps); prints the summary table."""
    from bot.settings import accounts as configured
    from bot.settings.config import load_settings

    if getattr(args, "headed", False):
        raise BadInput("--all ne va pas avec --headed : les comptes passent en parallèle, sans fenêtre.")
    from bot.run import group

    base = env.base_environ or env.environ
    every = group.only(configured.all_accounts(base), getattr(args, "account", None))  # a group's employers
    if not every:
        raise BadInput(
            "Aucun compte configuré : créez le fichier des comptes (comptes.toml, ou DAMANCOM_ACCOUNTS), "
            "voir le README, section « Plusieurs comptes »."
        )
    workers = min(parallel(base), len(group.split(every)))
    settings = load_settings(base, need_credentials=False, cwd=env.cwd)
    args.unattended = bool(getattr(args, "unattended", False))
    env.say(f"{what} : {len(every)} compte(s), {workers} à la fois.")
    jobs: queue.Queue = queue.Queue()
    for number, account in enumerate(group.split(every)):  # a « compte groupe »'s employers: one job, one login
        jobs.put((number, account))
    outcomes: dict[str, Outcome] = {}
    say_lock = threading.Lock()
    from bot.handover import telegram_hub
    from bot.run.driver import SharedDriver
    from bot.run.fleet_browsers import fleet_browsers

    with (
        telegram_hub.shared(),
        SharedDriver() as driver,
        shared_browser(settings, driver) as connect,
        fleet_browsers(driver, connect, settings) as fleet,
    ):
        threads = [
            threading.Thread(
                target=_worker,
                name=f"compte-{i}",
                daemon=True,
                args=(jobs, outcomes, fleet, args, env, base, one, say_lock, steps),
            )
            for i in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    ordered = [
        outcomes.get(a.name)
        or Outcome(a.name, a.identifier, int(ExitCode.BUG), "Compte non traité (erreur inattendue, voir le journal).")
        for a in every
    ]
    for line in summary_lines(ordered):
        env.say(line)
    _write_results(getattr(args, "result_json", None), ordered, group.split(every))
    return worst(o.code for o in ordered)


def _worker(jobs, outcomes, fleet, args, env, base, one, say_lock, steps) -> None:
    while True:
        try:
            number, account = jobs.get_nowait()
        except queue.Empty:
            return
        mine = _own_result_file(args, number)
        try:
            fleet.invisible()  # connected (again, if it went away)
        except BotError as exc:  # this account is told why; the next one tries again
            for one_of in getattr(account, "members", [account]):  # a group: each of its employers
                outcomes[one_of.name] = Outcome(one_of.name, one_of.identifier, int(exc.exit_code), exc.message)
            continue
        if hasattr(account, "members"):  # a « compte groupe »: bot/run/group.py
            from bot.run import group

            filing = hasattr(mine, "verifier")
            outcomes.update(group.run(account, mine, env, base, fleet, say_lock, filing=filing, steps=steps))
            continue
        outcomes[account.name] = _one(account, mine, env, base, one, fleet, say_lock)


def _own_result_file(args, number: int):
    """The scheduler's child (`--result-json`): each job writes its outcome to a file of its own,
    gathered at the end (`_write_results`)."""
    if not getattr(args, "result_json", None):
        return args
    mine = copy.copy(args)
    mine.result_json = f"{args.result_json}.{number}"
    return mine


def _write_results(path: str | None, ordered: list[Outcome], jobs: list) -> None:
    """Every account's outcome by name, as a « compte groupe »'s child writes its employers'
    (bot/schedule/batch.py reads them): its own result file when it wrote one, else its line."""
    if not path:
        return
    import json

    from bot.system.files import write_atomic

    members = {
        o.account: {"exit_code": o.code, "period_state": None, "audit_folder": o.folder, "message": o.message}
        for o in ordered
    }
    for number, job in enumerate(jobs):
        own = Path(f"{path}.{number}")
        try:
            data = json.loads(own.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        finally:
            own.unlink(missing_ok=True)
        written = data.get("members") or {job.name: data}  # a group's child names its employers
        members.update({name: one for name, one in written.items() if name in members})
    write_atomic(Path(path), {"exit_code": worst(o.code for o in ordered), "members": members})


def _one(account, args, env: Env, base, one, browser, say_lock) -> Outcome:
    from bot.settings.accounts import account_environ

    started = time.monotonic()
    out = _Prefixed(env.stdout, f"[{account.name}] ", say_lock)
    account_env = Env(
        environ={}, stdin=io.StringIO(""), stdout=out, stderr=out, base_environ=base, cwd=env.cwd, now=env.now
    )
    try:
        account_env.environ = account_environ(base, account, need_password=True)
        with logger.contextualize(account=account.name):  # its log lines name it, as its printed lines do
            code, message = int(one(args, account_env, browser)), "réussi"
    except BotError as exc:
        code, message = int(exc.exit_code), exc.message
    except Exception:  # noqa: BLE001 - one account's bug must not stop the others; the log has it
        logger.opt(exception=True).debug("Erreur inattendue pour le compte {}", account.name)
        code, message = int(ExitCode.BUG), "Erreur inattendue dans damancom-bot (détail dans le journal)."
    if code:
        out.write(f"Erreur : {message} (code {code})\n")
    folder = _run_folder(account_env.environ or base, account.name, getattr(args, "period", None) or "", env.cwd)
    return Outcome(account.name, account.identifier, code, message, time.monotonic() - started, folder)


def _run_folder(environ, name: str, period: str, cwd) -> str:
    from bot.audit.summary import latest_run
    from bot.settings.config import load_settings

    try:
        found = latest_run(load_settings(environ, need_credentials=False, cwd=cwd).recordings, name, period)
    except BotError:
        return ""
    return str(found) if found else ""


def summary_lines(outcomes: list[Outcome]) -> list[str]:
    """The French summary table: one line per account."""
    from bot.audit.summary import outcome_fr

    rows = [("Compte", "Identifiant", "Code", "Durée", "Résultat")]
    for o in outcomes:
        result = outcome_fr(o.code) + (f" : {o.message}" if o.code else "")
        rows.append((o.account, o.identifier, str(o.code), f"{o.seconds:.0f} s", result))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["", "Résumé :"]
    for row in rows:
        lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    failed = sum(1 for o in outcomes if o.code)
    lines.append(f"{len(outcomes) - failed} réussi(s), {failed} en échec.")
    return lines


class _Prefixed(io.TextIOBase):
    """One account's output, each line prefixed with its name, whole lines at a time."""

    def __init__(self, target, prefix: str, lock: threading.Lock):
        self.target, self.prefix, self.lock, self.pending = target, prefix, lock, ""

    def write(self, text: str) -> int:
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            with self.lock:
                self.target.write(self.prefix + line + "\n")
                self.target.flush()
        return len(text)

    def flush(self) -> None:
        pass


# --- the shared browser --------------------------------------------------------------------------


@contextmanager
def shared_browser(settings, driver=None) -> Iterator[Callable]:
    """Yields `connect(playwright) -> Browser` for the workers: a remote Playwright server
    (DAMANCOM_BROWSER=ws://…), a Chromium already open (http://… DevTools), or one local headless
    Chromium started here and reached over its DevTools port. `driver`: the run's SharedDriver,
    which finds the browser's program (no second driver for that)."""
    from bot.run import browser as browsers

    if settings.browser and settings.browser.startswith(("ws://", "wss://", "http://", "https://")):
        choice = browsers.from_override(settings.browser)  # a Playwright server, or a Chromium already open
        yield lambda playwright: browsers.launch(playwright, choice, headless=True)
        return
    executable = _executable(settings, driver)
    folder = Path(tempfile.mkdtemp(prefix="damancom-navigateur-"))
    process = subprocess.Popen(
        [
            executable,
            "--headless=new",
            "--remote-debugging-port=0",
            "--remote-debugging-address=127.0.0.1",
            f"--user-data-dir={folder}",
            "--no-first-run",
            "--no-default-browser-check",
            "--password-store=basic",
            "--use-mock-keychain",
            "--no-startup-window",
            *browsers.LAUNCH_ARGS,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        endpoint = _devtools_endpoint(folder, process)
        logger.debug("Navigateur partagé : {} ({})", executable, endpoint)
        yield lambda playwright: playwright.chromium.connect_over_cdp(endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)  # Windows may hold a file a moment longer: never fatal


def _executable(settings, driver=None) -> str:
    """The browser's program, found like a single run finds it (bot/run/browser.py)."""
    import sys

    from bot.run import browser as browsers
    from bot.run.driver_start import sync_playwright

    def found(playwright):
        return browsers.find(playwright, settings.browser), playwright.chromium.executable_path

    if driver is not None:
        choice, managed = driver.call(found, driver.playwright)
    else:
        with sync_playwright() as playwright:
            choice, managed = found(playwright)
    if choice.how == "managed":
        return managed
    if choice.how == "executable":
        return choice.value
    for channel, path in browsers._installed_channels(sys.platform, os.environ):
        if channel == choice.value and os.path.exists(path):
            return path
    raise BrowserNotFound(
        f"Le navigateur {choice.describe()} n'a pas été trouvé sur le disque pour --all. "
        "Indiquez son chemin dans DAMANCOM_BROWSER."
    )


def _devtools_endpoint(folder: Path, process: subprocess.Popen, timeout: float = 30.0) -> str:
    """Chromium writes the port it chose into DevToolsActivePort once it listens."""
    marker = folder / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # a file another program writes: polling is the portable way
        if process.poll() is not None:
            raise BrowserNotFound(f"Le navigateur partagé s'est arrêté au démarrage (code {process.returncode}).")
        try:
            port = marker.read_text(encoding="ascii").split()[0]
            if port.isdigit():
                return f"http://127.0.0.1:{port}"
        except (OSError, IndexError):
            pass
        time.sleep(0.05)
    raise BrowserNotFound("Le navigateur partagé n'a pas ouvert son port de contrôle à temps.")
