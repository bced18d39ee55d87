"""The sandbox over real HTTP: sessions, CSRF, codes, expiry, limits, outbox."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bot.sandbox import Portal, Sandbox


class Client:
    """A tiny cookie-keeping browser for HTTP-level checks."""

    def __init__(self, base: str):
        self.base = base.removesuffix("/fr/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, **fields: str) -> tuple[int, str, str]:
        data = urllib.parse.urlencode({"_csrf": self.csrf, **fields}).encode()
        return self._open(urllib.request.Request(self.base + path, data=data))

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request) as response:
                status, body, url = response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as exc:
            status, body, url = exc.code, exc.read().decode(), exc.url
        token = re.search(r'name="_csrf" value="([^"]+)"', body)
        if token:
            self.csrf = token.group(1)
        return status, body, url


@pytest.fixture
def client(sandbox) -> Client:
    return Client(sandbox.url)


def start_login(client: Client, identifier: str = "PHARMA-DEMO") -> tuple[int, str, str]:
    client.get("/fr/authentification/otp")
    return client.post("/fr/authentification/otp", identifiant=identifier)


def test_home_offers_otp_and_eid(client):
    status, body, _ = client.get("/fr/")
    assert status == 200
    assert "S'authentifier avec OTP" in body and "S'authentifier avec e-ID" in body
    assert '<html lang="fr">' in body


def test_known_identifier_sends_a_fresh_code_to_the_outbox(client, sandbox):
    status, body, url = start_login(client)
    assert status == 200 and url.endswith("/fr/authentification/otp/code")
    assert "06 •• •• •• 78" in body and "Valider" in body
    start_login(client)
    _, outbox, _ = client.get("/_sandbox/outbox")
    messages = json.loads(outbox)
    assert [m["identifier"] for m in messages] == ["PHARMA-DEMO", "PHARMA-DEMO"]
    assert all(re.fullmatch(r"\d{6}", m["code"]) and m["code"] in m["text"] for m in messages)
    assert messages[0]["code"] != messages[1]["code"] or messages[0]["seq"] != messages[1]["seq"]


def test_unknown_identifier_is_refused_without_sms(client, sandbox):
    status, body, _ = start_login(client, "NOBODY")
    assert status == 200 and "Identifiant inconnu" in body
    assert sandbox.outbox.all() == []


def test_post_without_csrf_token_is_forbidden(client, sandbox):
    client.get("/fr/authentification/otp")
    client.csrf = "forged"
    status, body, _ = client.post("/fr/authentification/otp", identifiant="PHARMA-DEMO")
    assert status == 403 and "Accès refusé" in body
    assert sandbox.outbox.all() == []


def test_post_without_session_is_forbidden(sandbox):
    status, _, _ = Client(sandbox.url).post("/fr/authentification/otp", identifiant="PHARMA-DEMO")
    assert status == 403


def test_right_code_and_password_open_the_interface(client, sandbox, demo_account):
    start_login(client)
    code = sandbox.outbox.all()[-1].code
    status, body, url = client.post("/fr/authentification/otp/code", code=code, motdepasse=demo_account.password)
    assert url.endswith("/fr/espace-affilie")
    assert "Espace affilié" in body and "Pharmacie Al Amal" in body and "1234567" in body
    assert "Déclaration des salaires" in body and "À déclarer" in body and "Déclarée" in body


def test_wrong_password_is_named(client, sandbox):
    start_login(client)
    code = sandbox.outbox.all()[-1].code
    _, body, _ = client.post("/fr/authentification/otp/code", code=code, motdepasse="wrong")
    assert "Mot de passe incorrect. Il vous reste 2 essai(s)." in body


def test_three_wrong_codes_end_the_attempt(client, sandbox, demo_account):
    start_login(client)
    real = sandbox.outbox.all()[-1].code
    wrong = f"{(int(real) + 1) % 10**6:06d}"
    _, body, _ = client.post("/fr/authentification/otp/code", code=wrong, motdepasse=demo_account.password)
    assert "Code incorrect. Il vous reste 2 essai(s)." in body
    _, body, _ = client.post("/fr/authentification/otp/code", code=wrong, motdepasse=demo_account.password)
    assert "Il vous reste 1 essai(s)." in body
    _, body, _ = client.post("/fr/authentification/otp/code", code=wrong, motdepasse=demo_account.password)
    assert "Trop de tentatives" in body
    # The attempt is over: even the right code no longer opens the interface.
    _, body, url = client.post("/fr/authentification/otp/code", code=real, motdepasse=demo_account.password)
    assert not url.endswith("/fr/espace-affilie") and "Espace affilié" not in body


def test_code_expires(demo_account):
    now = [1_800_000_000.0]
    portal = Portal(clock=lambda: now[0], code_ttl=300)
    with Sandbox(portal) as sandbox:
        client = Client(sandbox.url)
        start_login(client)
        code = sandbox.outbox.all()[-1].code
        now[0] += 301
        _, body, url = client.post("/fr/authentification/otp/code", code=code, motdepasse=demo_account.password)
    assert "Le code a expiré" in body and not url.endswith("/fr/espace-affilie")


def test_interface_requires_login_and_logout_ends_session(client, sandbox, demo_account):
    _, body, url = client.get("/fr/espace-affilie")
    assert url.endswith("/fr/") and "Veuillez vous authentifier" in body
    start_login(client)
    client.post("/fr/authentification/otp/code", code=sandbox.outbox.all()[-1].code, motdepasse=demo_account.password)
    _, body, url = client.post("/fr/deconnexion")
    assert url.endswith("/fr/") and "Vous êtes déconnecté." in body
    _, body, url = client.get("/fr/espace-affilie")
    assert url.endswith("/fr/")


def test_periods_follow_the_clock():
    portal = Portal(clock=lambda: 1_768_478_400.0)  # 2026-01-15 12:00 UTC: previous month is 2025-12
    account = portal.accounts["PHARMA-DEMO"]
    assert portal.periods(account) == [("2025-12", False), ("2025-11", True), ("2025-10", True)]


def test_unknown_page_is_a_french_404(client):
    status, body, _ = client.get("/fr/nulle-part")
    assert status == 404 and "Page introuvable" in body


@pytest.mark.parametrize("error", [BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")])
def test_a_browser_hanging_up_leaves_no_traceback_in_the_console(sandbox, capsys, error):
    try:
        raise error
    except ConnectionError:
        sandbox.server.handle_error(None, ("127.0.0.1", 50000))
    assert "Traceback" not in capsys.readouterr().err


def test_a_real_sandbox_bug_keeps_its_traceback(sandbox, capsys):
    try:
        raise KeyError("page")
    except KeyError:
        sandbox.server.handle_error(None, ("127.0.0.1", 50000))
    assert "KeyError" in capsys.readouterr().err
