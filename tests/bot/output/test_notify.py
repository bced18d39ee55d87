"""Notifications go out through apprise (here a json:// URL to a local server), scrubbed."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from bot.output import redact
from bot.output.notify import Budget, Notifier, parse_urls, read_record, undelivered
from bot.system.clock import TZ
from tests.support.inbox import Inbox


@pytest.fixture
def inbox():
    server = Inbox()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_parse_urls():
    assert parse_urls(" json://a/b, ntfy://topic  mailto://x ") == ["json://a/b", "ntfy://topic", "mailto://x"]


def test_sends_scrubbed_title_body_and_attachment(inbox, tmp_path):
    redact.register("Notify-Secret-77")
    image = tmp_path / "qr.png"
    image.write_bytes(b"\x89PNG-test")
    assert Notifier([inbox.url]).send("Titre", "mot de passe Notify-Secret-77", attach=image)
    message = inbox.received[0]
    assert message["title"] == "Titre" and "Notify-Secret-77" not in message["message"]
    assert message["attachments"][0]["filename"] == "qr.png"


def test_unreachable_notifier_is_not_fatal():
    assert Notifier(["json://127.0.0.1:9/nowhere"]).send("Titre", "corps") is False


class Sink:
    """A Telegram chat that works or not (`up`), recording what reached it."""

    name = "telegram"

    def __init__(self, up=True):
        self.up, self.got = up, []

    def accepts(self, title):
        return True

    def deliver(self, title, body, files):
        if self.up:
            self.got.append(title)
        return self.up


def test_questions_go_out_past_the_budget_and_are_not_counted(tmp_path):
    now = lambda: datetime(2026, 11, 6, 21, 0, tzinfo=TZ)  # noqa: E731
    sink = Sink()
    notifier = Notifier([], sink=sink, budget=Budget(tmp_path, 2, now))
    for n in range(3):
        notifier.send(f"Damancom : essai {n}", "corps")
    assert sink.got == ["Damancom : essai 0", "Damancom : essai 1"]  # the budget is spent
    assert notifier.send("Damancom : prêt pour la connexion ?", "Confirmez.")
    assert notifier.send("Damancom : question du portail", "Répondez.")
    assert notifier.send("Une question posée autrement", "…", question=True)
    assert sink.got[2:] == [
        "Damancom : prêt pour la connexion ?",
        "Damancom : question du portail",
        "Une question posée autrement",
    ]
    record = read_record(tmp_path)
    assert record["count"] == 2 and record["questions"] == 3 and record["delivered"] == 5


def test_telegram_failing_the_addresses_still_get_it_and_it_is_recorded(inbox, tmp_path):
    now = lambda: datetime(2026, 11, 3, 21, 0, tzinfo=TZ)  # noqa: E731
    notifier = Notifier([inbox.url], sink=Sink(up=False), budget=Budget(tmp_path, 30, now))
    assert notifier.send("Damancom : rappel J-3 pour 2026-10", "Pas encore faite.")
    assert inbox.received[0]["title"] == "Damancom : rappel J-3 pour 2026-10"
    seen = undelivered(tmp_path)
    assert seen["undelivered"] == 0 and seen["failing"]["telegram"]["failures"] == 1
    assert any(line.startswith("  Telegram injoignable depuis le 03/11/2026 21:00") for line in seen["lines"])


def test_delivered_nowhere_is_kept_and_gives_its_place_back(tmp_path):
    now = [datetime(2026, 11, 3, 21, 0, tzinfo=TZ)]
    sink = Sink(up=False)
    notifier = Notifier([], sink=sink, budget=Budget(tmp_path, 30, lambda: now[0]))
    assert not notifier.send("Damancom : portail indisponible (2026-10)", "Réessai ce soir.")
    record = read_record(tmp_path)
    assert record["count"] == 0 and record["undelivered"] == 1
    assert record["failed"] == [
        {"at": now[0].isoformat(), "title": "Damancom : portail indisponible (2026-10)", "channels": ["telegram"]}
    ]
    sink.up, now[0] = True, datetime(2026, 11, 4, 6, 0, tzinfo=TZ)
    assert notifier.send("Damancom : période 2026-10 déclarée", "Déposée.")
    seen = undelivered(tmp_path)
    assert seen["failing"] == {} and seen["undelivered"] == 1  # Telegram is back; November's loss still shown
    assert "Notifications : 1 non délivrée(s) en novembre 2026" in seen["lines"][0] or "ce mois-ci" in seen["lines"][0]


def test_all_well_nothing_to_say(tmp_path):
    assert undelivered(tmp_path) is None
    Notifier([], sink=Sink(), budget=Budget(tmp_path, 30)).send("Damancom : connexion réussie", "…")
    assert undelivered(tmp_path) is None


def test_the_dashboard_gets_the_same_lines_as_status(tmp_path):
    from bot.app import overview

    assert overview.warnings(tmp_path) == []
    Notifier([], sink=Sink(up=False), budget=Budget(tmp_path, 30)).send("Damancom : rappel J-3 pour 2026-10", "…")
    assert overview.warnings(tmp_path) == undelivered(tmp_path)["lines"]
    assert overview.warnings(tmp_path)[0].startswith("Notifications : 1 non délivrée(s) ce mois-ci")
