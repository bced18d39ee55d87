"""Notifications through apprise URLs (DAMANCOM_NOTIFY): e-mail, Telegram, ntfy, desktop…

Never the password, never a code: every text goes through the scrubber, and a failed
notification is logged, never fatal (the run matters more than the message about it).
"""

from __future__ import annotations

import re
from pathlib import Path

from loguru import logger

from bot.redact import scrub


def parse_urls(raw: str) -> list[str]:
    return [u for u in re.split(r"[\s,]+", raw or "") if u]


class Notifier:
    def __init__(self, urls: list[str]):
        self.urls = urls
        self._apprise = None
        self.sent: list[tuple[str, str]] = []  # what was sent during this run (title, body)

    def _client(self):
        if self._apprise is None:
            import apprise  # imported only when someone is to be notified: it is slow to import

            client = apprise.Apprise()
            for url in self.urls:
                if not client.add(url):
                    logger.warning("Adresse de notification ignorée (format non reconnu) : {}", url.split(":")[0] + "://…")
            self._apprise = client
        return self._apprise

    def send(self, title: str, body: str, attach: Path | None = None) -> bool:
        title, body = scrub(title), scrub(body)
        self.sent.append((title, body))
        if not self.urls:
            return False
        try:
            ok = bool(self._client().notify(title=title, body=body, attach=str(attach) if attach else None))
        except Exception as exc:  # noqa: BLE001 - a broken notifier must not end the run
            logger.warning("Notification impossible : {}", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return False
        if not ok:
            logger.warning("Notification non délivrée ({}). Vérifiez DAMANCOM_NOTIFY.", title)
        return ok
