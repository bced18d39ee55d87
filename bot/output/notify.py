"""Notifications: apprise URLs (DAMANCOM_NOTIFY: e-mail, ntfy, desktop…) and the Telegram chat.

Never the password, never a code: every text goes through the scrubber, and a failed
notification is logged, never fatal (the run matters more than the message about it).
No noise: a monthly budget (DAMANCOM_NOTIFY_BUDGET), shared by every process of a state dir; the
message that reaches it says so, and after it only urgent ones (deadline alerts) go out.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Protocol

from loguru import logger

from bot.output.redact import scrub

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


# Messages the budget never silences: the deadline and what needs the person's hand. Callers may say
# `urgent=True`; these titles are recognised too, so a caller that does not is still heard.
URGENT_TITLES = ("échéance", "plus de créneau", "rappel J-1", "intervention nécessaire", "connexions suspendues")


def parse_urls(raw: str) -> list[str]:
    return [u for u in re.split(r"[\s,]+", raw or "") if u]


class Sink(Protocol):
    """Another way out besides apprise (the Telegram chat)."""

    def accepts(self, title: str) -> bool: ...
    def deliver(self, title: str, body: str, files: list[Path]) -> bool: ...


class Budget:
    """How many notifications went out this month (Moroccan calendar), in the state dir."""

    FILE = "notifications.json"

    def __init__(self, state_dir: Path, limit: int, now: Callable[[], datetime] | None = None):
        from bot.system import clock

        self.path, self.limit, self.now = Path(state_dir) / self.FILE, limit, now or clock.now

    def take(self, urgent: bool = False) -> tuple[bool, str]:
        """(may it go out, a sentence to append when it is the last one of the month)."""
        from filelock import FileLock

        self.path.parent.mkdir(parents=True, exist_ok=True)
        moment = self.now()
        month = moment.strftime("%Y-%m")
        with FileLock(str(self.path) + ".lock", timeout=30):
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            count = int(data.get("count", 0)) if data.get("month") == month else 0
            if count >= self.limit and not urgent:
                return False, ""
            from bot.system.files import write_atomic

            write_atomic(self.path, {"month": month, "count": count + 1})
        if count + 1 == self.limit and not urgent:
            following = MONTHS[moment.month % 12]
            return True, (f"C'est la dernière notification de ce mois ({self.limit} au plus, "
                          f"DAMANCOM_NOTIFY_BUDGET) : plus rien avant le 1er {following}, sauf les alertes "
                          "d'échéance. « damancom-bot status » dit où en est le bot.")
        return True, ""


class Notifier:
    def __init__(self, urls: list[str], *, sink: Sink | None = None, budget: Budget | None = None):
        self.urls, self.sink, self.budget = urls, sink, budget
        self._apprise = None
        self.sent: list[tuple[str, str]] = []  # what went out during this run (title, body)

    def _client(self):
        if self._apprise is None:
            import apprise  # imported only when someone is to be notified: it is slow to import

            client = apprise.Apprise()
            for url in self.urls:
                if not client.add(url):
                    logger.warning("Adresse de notification ignorée (format non reconnu) : {}", url.split(":")[0] + "://…")
            self._apprise = client
        return self._apprise

    def send(self, title: str, body: str, attach: Path | Iterable[Path] | None = None, *,
             urgent: bool = False) -> bool:
        """`attach`: files to join (the QR code, the run's report); `urgent`: deadline alerts, past the budget."""
        title, body = scrub(title), scrub(body)
        urgent = urgent or any(words in title for words in URGENT_TITLES)
        files = [attach] if isinstance(attach, (str, Path)) else [Path(f) for f in attach or ()]
        files = [Path(f) for f in files if Path(f).is_file()]
        to_sink = self.sink is not None and self.sink.accepts(title)
        if self.budget is not None and (self.urls or to_sink):
            allowed, last_words = self.budget.take(urgent)
            if not allowed:
                logger.info("Notification non envoyée, limite mensuelle atteinte : {}", title)
                return False
            body = f"{body} {last_words}" if last_words else body
        self.sent.append((title, body))
        delivered = to_sink and self.sink.deliver(title, body, files)
        return self._apprise_send(title, body, files) or delivered

    def _apprise_send(self, title: str, body: str, files: list[Path]) -> bool:
        if not self.urls:
            return False
        try:
            ok = bool(self._client().notify(title=title, body=body, attach=[str(f) for f in files] or None))
        except Exception as exc:  # noqa: BLE001 - a broken notifier must not end the run
            logger.warning("Notification impossible : {}", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return False
        if not ok:
            logger.warning("Notification non délivrée ({}). Vérifiez DAMANCOM_NOTIFY.", title)
        return ok


def build_notifier(settings, sink: Sink | None = None, now: Callable[[], datetime] | None = None) -> Notifier:
    """The notifier of a process: apprise, the Telegram chat when configured, the monthly budget."""
    if sink is None and settings.telegram_token:
        from bot.handover.telegram import TelegramSink

        sink = TelegramSink.from_settings(settings)
    return Notifier(list(settings.notify), sink=sink, budget=Budget(settings.state_dir, settings.notify_budget, now))
