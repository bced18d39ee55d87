"""The `refuse-headless` fault over real HTTP: a firewall page (403, a reference number) for every
request whose User-Agent says `HeadlessChrome` — pages, the spa's shell and its JSON API alike —
and the portal itself for any other browser."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults
from tests.conftest import STYLES

HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"
)
WINDOW = HEADLESS.replace("HeadlessChrome", "Chrome")


def get(url: str, agent: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode("utf-8")


@pytest.mark.parametrize("style", STYLES)
def test_headless_browsers_get_the_firewall_page_everywhere(style):
    faults = Faults("refuse-headless")
    with Sandbox(Portal(), faults=faults, style=style, sms_delay=0) as sandbox:
        paths = [sandbox.url, sandbox.url + "authentification/otp"]
        if style == "spa":
            paths.append(sandbox.url + "api/etat")  # the API: a firewall answers its own HTML page, not JSON
        for url in paths:
            status, body = get(url, HEADLESS)
            assert status == 403 and "Accès refusé" in body and "La requête a été bloquée" in body, url
            assert faults.refused[-1] in body  # a reference number, new for each request
        status, body = get(sandbox.url, WINDOW)
        assert status == 200 and "S'authentifier avec OTP" in body
    assert len(set(faults.refused)) == len(paths) and faults.agents.count(WINDOW) == 1


def test_without_the_fault_a_headless_browser_is_served():
    with Sandbox(Portal()) as sandbox:
        assert get(sandbox.url, HEADLESS)[0] == 200
