"""Notifications: apprise URLs (DAMANCOM_NOTIFY: e-mail, ntfy, desktop…) and the Telegram chat.

Never the password, never a code: every text goes through the scrubber, and a failed
notification is logged, never fatal (the run matters more than the message about it).
No noise: a monthly budget (DAMANCOM_NOTIFY_BUDGET), shared by every process of a state dir; the
message that reaches it says so, and after it only urgent ones (deadline alerts) go out. A question
that needs the person (« prêt ? », the code, the portal's question) is never silenced and never
counted: without its answer nothing can be filed.
Every delivery is recorded (same file): one that reached no channel is kept for `status` and the
dashboard (`undelivered`), and gives its place in the budget back.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Protocol

from loguru import logger

from bot.output.redact import scrub
from bot.system import state_paths

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


# Messages the budget never silences: the deadline and what needs the person's hand. Callers may say
# `urgent=True`; these titles are recognised too, so a caller that does not is still heard.
URGENT_TITLES = ("échéance", "plus de créneau", "rappel J-1", "intervention nécessaire", "connexions suspendues")
# Questions waiting for the person's answer (bot/handover/session.py, bot/run/runner.py): always out.
QUESTION_TITLES = (
    "prêt pour la connexion",
    "code SMS envoyé",
    "question du portail",
    "approuvez la connexion",
    "à déposer",
)
KEPT_FAILURES = 5  # undelivered notifications listed by `status`


def parse_urls(raw: str) -> list[str]:
    return [u for u in re.split(r"[\s,]+", raw or "") if u]


class Sink(Protocol):
    """Another way out besides apprise (the Telegram chat)."""

    def accepts(self, title: str) -> bool: ...
    def deliver(self, title: str, body: str, files: list[Path]) -> bool: ...


class Budget:
    """How many notifications went out this month (Moroccan calendar), in the state dir."""

    FILE = state_paths.NOTIFICATIONS

    def __init__(self, state_dir: Path, limit: int, now: Callable[[], datetime] | None = None):
        from bot.system import clock

        self.path, self.limit, self.now = Path(state_dir) / self.FILE, limit, now or clock.now

    def take(self, urgent: bool = False, question: bool = False) -> tuple[bool, str]:
        """(may it go out, a sentence to append when it is the last one of the month). A question
        always goes out and is counted apart (`questions`): the budget is for news, not for asking."""
        moment = self.now()
        with self._locked():
            data = self._read(moment)
            count = data["count"]
            if question:
                data["questions"] += 1
            elif count >= self.limit and not urgent:
                return False, ""
            else:
                data["count"] = count + 1
            self._write(data)
        if not question and count + 1 == self.limit and not urgent:
            following = MONTHS[moment.month % 12]
            return True, (
                f"C'est la dernière notification de ce mois ({self.limit} au plus, "
                f"DAMANCOM_NOTIFY_BUDGET) : plus rien avant le 1er {following}, sauf les alertes "
                "d'échéance. « damancom-bot status » dit où en est le bot."
            )
        return True, ""

    def delivered(self, title: str, channels: dict[str, bool], counted: bool) -> None:
        """What each channel did with one notification. Undelivered everywhere: kept for `status`,
        and its place in the budget is given back (nobody was disturbed)."""
        moment = self.now()
        with self._locked():
            data = self._read(moment)
            seen = data.setdefault("channels", {})
            for name, ok in channels.items():
                one = seen.setdefault(name, {"last_ok": None, "failing_since": None, "failures": 0})
                if ok:
                    one.update(last_ok=moment.isoformat(), failing_since=None, failures=0)
                else:
                    one["failing_since"] = one["failing_since"] or moment.isoformat()
                    one["failures"] += 1
            if any(channels.values()):
                data["delivered"] += 1
            else:
                data["undelivered"] += 1
                data["failed"] = (
                    data["failed"] + [{"at": moment.isoformat(), "title": title, "channels": sorted(channels)}]
                )[-KEPT_FAILURES:]
                if counted:
                    data["count"] = max(0, data["count"] - 1)
            self._write(data)

    # the file ------------------------------------------------------------------------
    def _locked(self):
        from filelock import FileLock

        self.path.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.path) + ".lock", timeout=30)

    def _read(self, moment: datetime) -> dict:
        """This month's record; the channels' state carries over from one month to the next."""
        data = read_record(self.path.parent)
        if data.get("month") != moment.strftime("%Y-%m"):
            data = {"channels": data.get("channels", {})}
        fresh = {
            "month": moment.strftime("%Y-%m"),
            "count": 0,
            "questions": 0,
            "delivered": 0,
            "undelivered": 0,
            "failed": [],
            "channels": {},
        }
        return {**fresh, **data, "month": fresh["month"]}

    def _write(self, data: dict) -> None:
        from bot.system.files import write_atomic

        write_atomic(self.path, data)


def read_record(state_dir: Path) -> dict:
    try:
        data = json.loads((Path(state_dir) / Budget.FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def undelivered(state_dir: Path) -> dict | None:
    """Notifications that reached nobody in the latest month recorded, and the channels failing now
    (for `status` and the dashboard); None when all is well. `lines`: the same in French."""
    data = read_record(state_dir)
    failing = {name: one for name, one in (data.get("channels") or {}).items() if one.get("failing_since")}
    count = int(data.get("undelivered", 0))
    if not failing and not count:
        return None
    failed = data.get("failed") or []
    return {
        "month": data.get("month"),
        "undelivered": count,
        "delivered": int(data.get("delivered", 0)),
        "failing": failing,
        "last": failed[-1:],
        "lines": _undelivered_fr(data.get("month"), count, failing, failed),
    }


def _undelivered_fr(month: str | None, count: int, failing: dict, failed: list) -> list[str]:
    from bot.output.french import day
    from bot.system import clock

    lines = []
    if count:
        year, number = (month or "0-1").split("-")
        when = "ce mois-ci" if month == clock.now().strftime("%Y-%m") else f"en {MONTHS[int(number) - 1]} {year}"
        last = failed[-1] if failed else None
        lines.append(
            f"Notifications : {count} non délivrée(s) {when}"
            + (f", la dernière « {last['title']} » le {day(datetime.fromisoformat(last['at']))}" if last else "")
            + ". Personne ne les a reçues : « damancom-bot status » et le tableau de bord disent où en est "
            "le bot."
        )
    for name, one in failing.items():
        since = day(datetime.fromisoformat(one["failing_since"]))
        lines.append(
            f"  {CHANNEL_FR.get(name, name)} injoignable depuis le {since} ({one['failures']} échec(s)). "
            + CHANNEL_FIX.get(name, "Vérifiez DAMANCOM_NOTIFY et la connexion Internet.")
        )
    return lines


CHANNEL_FR = {"telegram": "Telegram", "apprise": "Les adresses de notification (DAMANCOM_NOTIFY)"}
CHANNEL_FIX = {
    "telegram": "Vérifiez la connexion Internet, puis « damancom-bot telegram test » ; ajoutez une "
    "autre voie (DAMANCOM_NOTIFY, par exemple un e-mail) pour ne rien manquer.",
    "apprise": "Vérifiez les adresses de DAMANCOM_NOTIFY et la connexion Internet.",
}


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
                    logger.warning(
                        "Adresse de notification ignorée (format non reconnu) : {}", url.split(":")[0] + "://…"
                    )
            self._apprise = client
        return self._apprise

    def send(
        self,
        title: str,
        body: str,
        attach: Path | Iterable[Path] | None = None,
        *,
        urgent: bool = False,
        question: bool = False,
    ) -> bool:
        """`attach`: files to join (the QR code, the run's report); `urgent`: deadline alerts, past the
        budget; `question`: the person must answer (never silenced, not counted). Every channel is
        tried: Telegram failing, the DAMANCOM_NOTIFY addresses still get it (and the other way round)."""
        title, body = scrub(title), scrub(body)
        question = question or any(words in title for words in QUESTION_TITLES)
        urgent = urgent or any(words in title for words in URGENT_TITLES)
        files = [attach] if isinstance(attach, (str, Path)) else [Path(f) for f in attach or ()]
        files = [Path(f) for f in files if Path(f).is_file()]
        to_sink = self.sink is not None and self.sink.accepts(title)
        if self.budget is not None and (self.urls or to_sink):
            allowed, last_words = self.budget.take(urgent, question)
            if not allowed:
                logger.info("Notification non envoyée, limite mensuelle atteinte : {}", title)
                return False
            body = f"{body} {last_words}" if last_words else body
        self.sent.append((title, body))
        channels = {}
        if to_sink:
            channels[getattr(self.sink, "name", "telegram")] = bool(self.sink.deliver(title, body, files))
        if self.urls:
            channels["apprise"] = self._apprise_send(title, body, files)
        if channels and self.budget is not None:
            self._record(title, channels, counted=not question)
        if channels and not any(channels.values()):
            logger.warning("Notification délivrée nulle part ({}) : « damancom-bot status » la montre.", title)
        return any(channels.values())

    def _record(self, title: str, channels: dict[str, bool], counted: bool) -> None:
        try:
            self.budget.delivered(title, channels, counted)
        except Exception as exc:  # noqa: BLE001 - a full disk must not end the run over a message
            logger.warning("Suivi des notifications non écrit : {}", exc)

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
