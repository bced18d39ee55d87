"""The local page over real HTTP: token, Host and CSRF checks; code and « Je suis prêt »."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bot.handover.mailbox import CODE, READY, Mailbox
from bot.handover.webpage import LocalPageChannel


@pytest.fixture
def page():
    channel = LocalPageChannel(Mailbox(), "PHARMA-1")
    channel.open("code")
    yield channel
    channel.close()


def fetch(url: str, data: dict | None = None, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode() if data is not None else None)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def csrf(html: str) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)


def test_page_with_token_shows_the_code_form(page):
    status, html = fetch(page.url)
    assert status == 200 and "Code reçu par SMS" in html and 'lang="fr"' in html


@pytest.mark.parametrize("mangle", [
    lambda url: url.rsplit("/", 1)[0],  # no token
    lambda url: url[:-3] + "xyz",  # wrong token
    lambda url: url.replace("/code/", "/"),
])
def test_without_the_right_token_access_is_refused(page, mangle):
    assert fetch(mangle(page.url))[0] == 403
    assert fetch(mangle(page.url), {"_csrf": page.csrf, "action": "code", "code": "123456"})[0] == 403
    assert page.mailbox.take({CODE}, timeout=0) is None


def test_foreign_host_header_is_refused(page):
    assert fetch(page.url, host="evil.example:80")[0] == 403


def test_post_without_csrf_is_refused(page):
    status, _ = fetch(page.url, {"action": "code", "code": "123456"})
    assert status == 403 and page.mailbox.take({CODE}, timeout=0) is None


def test_malformed_code_is_refused_in_french_then_a_good_one_is_taken(page):
    token = csrf(fetch(page.url)[1])
    status, html = fetch(page.url, {"_csrf": token, "action": "code", "code": "12a45"})
    assert status == 200 and "exactement 6 chiffres" in html
    status, html = fetch(page.url, {"_csrf": token, "action": "code", "code": "987 654"})
    assert "Code transmis au bot" in html
    assert page.mailbox.take({CODE}, timeout=0).value == "987654"


def test_ready_button_in_ready_phase():
    channel = LocalPageChannel(Mailbox(), "PHARMA-1")
    channel.open("ready")
    try:
        status, html = fetch(channel.url)
        assert "Je suis prêt" in html and "Code reçu par SMS" not in html
        fetch(channel.url, {"_csrf": csrf(html), "action": "ready"})
        assert channel.mailbox.take({READY}, timeout=0).kind == READY
    finally:
        channel.close()


def test_page_is_closed_when_the_wait_ends(page):
    url = page.url
    page.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)
