"""What the portal's server did after an action: requests still pending, 5xx answers, broken
connections — for documents and for the XHR/fetch calls of a single-page portal alike.

This is the only evidence the bot accepts for « portail indisponible »: a screen that merely did
not change is not load, it is a screen the bot does not understand.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from playwright.sync_api import Page, Request, Response

# Requests whose answer a screen waits for; images, styles and trackers are not evidence.
_WATCHED = {"document", "xhr", "fetch"}
# Failures that say nothing about the server: a navigation cancelled the request, a blocker…
_NOT_EVIDENCE = ("ERR_ABORTED", "ERR_BLOCKED", "NS_BINDING_ABORTED", "cancelled")
# Failures where the server, or something in front of it, refused to talk to us at all.
# (Nothing listening at all, ERR_CONNECTION_REFUSED, is a portal that is down, not a refusal.)
REFUSALS = ("ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_EMPTY_RESPONSE", "ERR_SSL", "ERR_CERT")


@dataclass(frozen=True)
class Trouble:
    """One piece of evidence: a 5xx answer or a failed request."""

    method: str
    url: str
    kind: str  # "document", "xhr", "fetch"
    status: int | None = None  # HTTP status for answers, None for failures
    failure: str = ""  # the browser's error text for failures

    @property
    def refused(self) -> bool:
        return any(code in self.failure for code in REFUSALS)

    def describe(self) -> str:
        what = f"erreur {self.status}" if self.status else self.failure or "échec"
        return f"{self.method} {_short(self.url)} : {what}"


def _short(url: str) -> str:
    return url.split("?", 1)[0]


class NetworkWatch:
    """Listens to the page's requests for the whole run; steps read it through marks."""

    def __init__(self, page: Page):
        self._pending: dict[Request, float] = {}
        self.troubles: list[Trouble] = []
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._failed)
        page.on("response", self._answered)

    def _started(self, request: Request) -> None:
        if request.resource_type in _WATCHED:
            self._pending[request] = time.monotonic()

    def _ended(self, request: Request) -> None:
        self._pending.pop(request, None)

    def _failed(self, request: Request) -> None:
        self._pending.pop(request, None)
        failure = request.failure or ""
        if request.resource_type in _WATCHED and not any(tag in failure for tag in _NOT_EVIDENCE):
            self.troubles.append(Trouble(request.method, request.url, request.resource_type, failure=failure))

    def _answered(self, response: Response) -> None:
        request = response.request
        if request.resource_type in _WATCHED and response.status >= 500:
            self.troubles.append(Trouble(request.method, request.url, request.resource_type, status=response.status))

    # what the steps ask ----------------------------------------------------------------
    def mark(self) -> int:
        return len(self.troubles)

    def trouble_since(self, mark: int) -> Trouble | None:
        return self.troubles[mark] if len(self.troubles) > mark else None

    def pending(self, since: float = 0.0) -> list["Pending"]:
        """Requests sent after `since` (time.monotonic()) still waiting for an answer, oldest first."""
        now = time.monotonic()
        waiting = sorted(
            ((started, request) for request, started in list(self._pending.items()) if started >= since),
            key=lambda pair: pair[0],
        )
        return [Pending(request.method, request.url, now - started) for started, request in waiting]


@dataclass(frozen=True)
class Pending:
    method: str
    url: str
    age: float  # seconds

    def describe(self) -> str:
        return f"{self.method} {_short(self.url)} (depuis {self.age:.0f} s)"
