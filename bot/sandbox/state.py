"""The sandbox portal's memory: accounts, sessions, login attempts, SMS outbox. Clock injected."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from importlib import resources
from typing import Callable

import yaml

CODE_TTL = 300.0  # seconds, like the real portal's "a few minutes"
MAX_CODE_TRIES = 3
MAX_RESENDS = 2


@dataclass
class Account:
    identifier: str
    password: str
    phone: str
    employer: str
    affiliation: str
    declared: set[str] = field(default_factory=set)  # periods filed during this sandbox's life
    receipts: dict = field(default_factory=dict)  # period → Receipt
    affiliates: list[str] = field(default_factory=list)  # a « compte groupe »: the affiliation numbers it reaches

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:2]} •• •• •• {self.phone[-2:]}"


@dataclass
class Sms:
    seq: int
    identifier: str
    phone: str
    code: str
    sent_at: float

    @property
    def text(self) -> str:
        return f"CNSS Damancom : votre code de connexion est {self.code}. Il expire dans 5 minutes."

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "identifier": self.identifier,
            "phone": self.phone,
            "code": self.code,
            "text": self.text,
            "sent_at": datetime.fromtimestamp(self.sent_at).astimezone().isoformat(),
        }


class Outbox:
    """Every SMS the sandbox "sends". Readers may block until a new one arrives."""

    def __init__(self) -> None:
        self._items: list[Sms] = []
        self._cond = threading.Condition()
        self.listeners: list[Callable[[Sms], None]] = []

    def send(self, identifier: str, phone: str, code: str, now: float) -> Sms:
        with self._cond:
            sms = Sms(len(self._items) + 1, identifier, phone, code, now)
            self._items.append(sms)
            self._cond.notify_all()
        for listener in self.listeners:
            try:
                listener(sms)
            except Exception:  # noqa: BLE001 - a broken "phone" must not break the portal's reply
                pass
        return sms

    def all(self) -> list[Sms]:
        with self._cond:
            return list(self._items)

    def wait_for(self, identifier: str, after_seq: int = 0, timeout: float | None = None) -> Sms | None:
        def find() -> Sms | None:
            return next((s for s in reversed(self._items) if s.identifier == identifier and s.seq > after_seq), None)

        with self._cond:
            self._cond.wait_for(lambda: find() is not None, timeout=timeout)
            return find()


@dataclass
class Receipt:
    reference: str
    filed_at: float
    employees: int
    total_real: int  # centimes
    total_capped: int
    amount_due: int


@dataclass
class LoginAttempt:
    account: Account
    code: str
    expires_at: float
    failures: int = 0
    resends: int = 0


@dataclass
class EidChallenge:
    id: str
    expires_at: float
    approved_by: Account | None = None


@dataclass
class Session:
    id: str
    csrf: str
    attempt: LoginAttempt | None = None
    eid: EidChallenge | None = None
    account: Account | None = None  # set once logged in (a group login: once an affiliate is chosen)
    group: Account | None = None  # a « compte groupe » logged in: its space lists its affiliates
    flash: str | None = None
    pending: dict | None = None  # an uploaded, checked declaration awaiting « Valider la déclaration »
    password_typed: str | None = None  # shapes whose password screen comes before the code's


class CodeCheck(Enum):
    OK = "ok"
    WRONG_CODE = "wrong_code"
    WRONG_PASSWORD = "wrong_password"
    EXPIRED = "expired"
    TOO_MANY = "too_many"
    NO_ATTEMPT = "no_attempt"


def amount_due(total_real: int, total_capped: int) -> int:
    """Sandbox contributions (centimes): 13.46 % of capped salaries + 7.97 % of real ones
    (a simulation, not the CNSS's exact rates)."""
    return round(total_capped * 0.1346 + total_real * 0.0797)


def load_accounts() -> list[Account]:
    text = resources.files("bot.sandbox").joinpath("accounts.yaml").read_text(encoding="utf-8")
    return [_account(row) for row in yaml.safe_load(text)["accounts"]]


def _account(row: dict) -> Account:
    affiliates = [str(a) for a in row.pop("affiliates", [])]
    return Account(**{k: str(v) for k, v in row.items()}, affiliates=affiliates)


class Portal:
    def __init__(
        self,
        accounts: list[Account] | None = None,
        *,
        clock: Callable[[], float] = time.time,
        code_ttl: float = CODE_TTL,
        max_tries: int = MAX_CODE_TRIES,
    ) -> None:
        self.accounts = {a.identifier: a for a in (accounts if accounts is not None else load_accounts())}
        self.clock = clock
        self.code_ttl = code_ttl
        self.max_tries = max_tries
        self.outbox = Outbox()
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self.uploads: list[tuple[str, str]] = []  # (identifier, period) of every file accepted
        self.validation_listeners: list[Callable[[str, str], None]] = []  # tests: the moment of the final click
        self.choice_listeners: list[Callable[[str, str], None]] = []  # tests: (group login, affiliation) chosen

    # sessions -----------------------------------------------------------------
    def new_session(self) -> Session:
        session = Session(id=secrets.token_urlsafe(24), csrf=secrets.token_urlsafe(24))
        with self._lock:
            self._sessions[session.id] = session
        return session

    def session(self, session_id: str | None) -> Session | None:
        with self._lock:
            return self._sessions.get(session_id or "")

    def end_session(self, session: Session) -> None:
        with self._lock:
            self._sessions.pop(session.id, None)

    def expire(self, identifier: str) -> int:
        """The portal ends every session of this login (its own expiry, at a moment a test chooses)."""
        with self._lock:
            gone = [k for k, s in self._sessions.items() if identifier in _logins(s)]
            for key in gone:
                del self._sessions[key]
        return len(gone)

    # a « compte groupe » ----------------------------------------------------------------
    def affiliates_of(self, group: Account) -> list[Account]:
        by_number = {a.affiliation: a for a in self.accounts.values() if not a.affiliates}
        return [by_number[n] for n in group.affiliates if n in by_number]

    def choose(self, session: Session, affiliation: str) -> Account | None:
        """The group's space: the affiliate this session now works for; None when the session
        expired meanwhile or the number is not one of the group's."""
        group = session.group
        if group is None:
            return None
        for listener in self.choice_listeners:
            listener(group.identifier, affiliation)
        if self.session(session.id) is None:
            return None
        found = next((a for a in self.affiliates_of(group) if a.affiliation == affiliation.strip()), None)
        if found is not None:
            session.account, session.pending = found, None
        return found

    def _logged_in(self, session: Session, account: Account) -> None:
        """A group login reaches its space of affiliates first, no affiliate chosen yet."""
        if account.affiliates:
            session.group, session.account = account, None
        else:
            session.group, session.account = None, account

    # login ----------------------------------------------------------------------
    def start_login(self, session: Session, identifier: str) -> Sms | None:
        """Sends a fresh code for a known identifier; None when the identifier is unknown."""
        account = self.accounts.get(identifier.strip())
        if account is None:
            return None
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = self.clock()
        session.attempt = LoginAttempt(account, code, now + self.code_ttl)
        session.account = session.group = None
        return self.outbox.send(account.identifier, account.phone, code, now)

    def resend(self, session: Session) -> Sms | None:
        """« Renvoyer le code »: a new code replaces the old one; None when no longer allowed."""
        attempt = session.attempt
        if attempt is None or attempt.resends >= MAX_RESENDS:
            return None
        now = self.clock()
        attempt.resends += 1
        attempt.code = f"{secrets.randbelow(1_000_000):06d}"
        attempt.expires_at = now + self.code_ttl
        return self.outbox.send(attempt.account.identifier, attempt.account.phone, attempt.code, now)

    # e-ID (DGSN digital identity) ------------------------------------------------
    def start_eid(self, session: Session) -> EidChallenge:
        session.eid = EidChallenge(secrets.token_urlsafe(12), self.clock() + self.code_ttl)
        session.account = session.group = None
        return session.eid

    def pending_eid(self) -> list[EidChallenge]:
        with self._lock:
            sessions = list(self._sessions.values())
        now = self.clock()
        return [s.eid for s in sessions if s.eid and s.eid.approved_by is None and s.eid.expires_at >= now]

    def approve_eid(self, identifier: str, challenge_id: str | None = None) -> int:
        """What the « Identité Numérique » app does on the phone. Returns how many were approved."""
        account = self.accounts.get(identifier)
        if account is None:
            return 0
        approved = 0
        for challenge in self.pending_eid():
            if challenge_id in (None, challenge.id):
                challenge.approved_by = account
                approved += 1
        return approved

    def eid_state(self, session: Session) -> str:
        challenge = session.eid
        if challenge is None or self.clock() > challenge.expires_at:
            return "expire"
        if challenge.approved_by is None:
            return "en_attente"
        self._logged_in(session, challenge.approved_by)
        session.eid = None
        session.csrf = secrets.token_urlsafe(24)
        return "approuve"

    def check(self, session: Session, code: str, password: str) -> tuple[CodeCheck, int]:
        """Returns the outcome and the number of tries left."""
        attempt = session.attempt
        if attempt is None:
            return CodeCheck.NO_ATTEMPT, 0
        if self.clock() > attempt.expires_at:
            session.attempt = None
            return CodeCheck.EXPIRED, 0
        code_ok = secrets.compare_digest(code.strip(), attempt.code)
        password_ok = secrets.compare_digest(password.encode(), attempt.account.password.encode())
        if code_ok and password_ok:
            session.attempt = None
            self._logged_in(session, attempt.account)
            session.csrf = secrets.token_urlsafe(24)  # new privilege level, new token
            return CodeCheck.OK, 0
        attempt.failures += 1
        left = self.max_tries - attempt.failures
        if left <= 0:
            session.attempt = None
            return CodeCheck.TOO_MANY, 0
        return (CodeCheck.WRONG_CODE if not code_ok else CodeCheck.WRONG_PASSWORD), left

    # declarations ---------------------------------------------------------------
    def file(self, account: Account, period: str, totals: dict[str, int]) -> Receipt:
        """« Valider la déclaration »: the period becomes declared, a receipt is issued."""
        for listener in self.validation_listeners:
            listener(account.identifier, period)
        with self._lock:
            if period in account.receipts:  # validated twice: still one declaration
                return account.receipts[period]
            receipt = Receipt(
                f"AR{account.affiliation}{period.replace('-', '')}{secrets.randbelow(10**6):06d}",
                self.clock(),
                totals["employees"],
                totals["real"],
                totals["capped"],
                amount_due(totals["real"], totals["capped"]),
            )
            account.receipts[period] = receipt
            account.declared.add(period)
            return receipt

    def periods(self, account: Account, count: int = 3) -> list[tuple[str, bool]]:
        """The last `count` monthly periods, newest first, with whether each is declared.

        The previous month is due; older months count as already declared.
        """
        today = date.fromtimestamp(self.clock())
        year, month = today.year, today.month
        rows = []
        for i in range(1, count + 1):
            m, y = month - i, year
            while m <= 0:
                m, y = m + 12, y - 1
            period = f"{y:04d}-{m:02d}"
            rows.append((period, i > 1 or period in account.declared))
        return rows


def _logins(session: Session) -> set[str]:
    return {a.identifier for a in (session.account, session.group) if a is not None}
