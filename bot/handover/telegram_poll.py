"""Long polling of the Telegram Bot API, shared by one account's channel and by the hub that serves
several accounts: skip what was sent before the run, back off on failures, never let one odd update
stop the rest. Subclasses set `api`, `poll`, `_stop`, `offset`, `_skipped` and define `_handle`."""

from __future__ import annotations

from loguru import logger

from bot.handover.telegram_api import TelegramFailed
from bot.output.redact import scrub


class UpdatesPoller:
    def _skip_older(self) -> None:
        last = self.api.get_updates(-1, timeout=0)  # also makes Telegram forget every older update
        self.offset = last[-1]["update_id"] + 1 if last else None
        self._skipped = True

    def _handle(self, update: dict) -> None:
        raise NotImplementedError

    def _listen(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                if not self._skipped:  # what was sent before the run started belongs to none of it
                    self._skip_older()
                updates = self.api.get_updates(self.offset, timeout=self.poll)
                failures = 0
            except TelegramFailed as exc:
                failures += 1
                if failures in (1, 10) or failures % 100 == 0:
                    logger.warning("Telegram : {} (essai {}).", scrub(str(exc)), failures)
                self._stop.wait(min(30.0, 1.0 * failures))
                continue
            for update in updates:
                if self._stop.is_set():
                    return  # left unconfirmed: the next run skips it anyway
                self.offset = update["update_id"] + 1
                try:
                    self._handle(update)
                except TelegramFailed as exc:
                    logger.warning("Telegram : réponse non envoyée ({}).", scrub(str(exc)))
                except Exception as exc:  # noqa: BLE001 - one odd update must not deafen the channel
                    logger.warning("Telegram : message inattendu ignoré ({}).", type(exc).__name__)
