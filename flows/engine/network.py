"""What the portal's server did after an action: requests still pending, 5xx answers, broken
connections — for documents and for the XHR/fetch calls of a single-page portal alike.

This is the only evidence the bot accepts for « portail indisponible »: a screen that merely did
not change is not load, it is a screen the bot does not understand.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, Response

# Requests whose answer a screen waits for; images, styles and trackers are not evidence.
_WATCHED = {"document", "xhr", "fetch"}
_BACKGROUND = {"xhr", "fetch"}  # a single-page portal's calls: a refusal there never shows as a document
# Failures that say nothing about the server: a navigation cancelled the request, a blocker…
_NOT_EVIDENCE = ("ERR_ABORTED", "ERR_BLOCKED", "NS_BINDING_ABORTED", "cancelled")
# Failures where the server, or something in front of it, refused to talk to us at all.
# (Nothing listening at all, ERR_CONNECTION_REFUSED, is a portal that is down, not a refusal.)
REFUSALS = ("ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED", "ERR_EMPTY_RESPONSE", "ERR_SSL", "ERR_CERT")


# Statuses with which something in front of the portal refuses a request (as in `flows/portal.py`).
BLOCKED = (401, 403, 407, 451)


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


@dataclass
class BlockedAnswer:
    """A page (HTML, not the API's JSON) answered to a background request with a refusal status: what a
    firewall sends whatever was asked. Its words are read once (`flows/portal.py: answer_refused`)."""

    method: str
    url: str
    status: int
    response: Response
    read: bool = False

    def describe(self) -> str:
        return f"{self.method} {urlsplit(self.url).path}"

    def text(self) -> str:
        try:
            return self.response.text()
        except PlaywrightError:  # the body is gone (the page went away): nothing to read
            return ""


class NetworkWatch:
    """Listens to the page's requests for the whole run; steps read it through marks."""

    def __init__(self, page: Page):
        self._pending: dict[Request, float] = {}
        self.troubles: list[Trouble] = []
        self.blocked: list[BlockedAnswer] = []
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
        elif request.resource_type in _BACKGROUND and response.status in BLOCKED and _is_page(response):
            self.blocked.append(BlockedAnswer(request.method, request.url, response.status, response))

    # what the steps ask ----------------------------------------------------------------
    def mark(self) -> tuple[int, int]:
        return len(self.troubles), len(self.blocked)

    def trouble_since(self, mark: tuple[int, int]) -> Trouble | None:
        return self.troubles[mark[0]] if len(self.troubles) > mark[0] else None

    def blocked_since(self, mark: tuple[int, int]) -> list[BlockedAnswer]:
        """Background requests answered with a refusal page since `mark` (documents are read by
        `flows/portal.py` as they open)."""
        return self.blocked[mark[1] :]

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


def _is_page(response: Response) -> bool:
    return "html" in response.headers.get("content-type", "")  # known with the answer: no round trip
