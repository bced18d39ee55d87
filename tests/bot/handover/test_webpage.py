"""The local page over real HTTP: token, Host and CSRF checks; code and « Je suis prêt »."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from bot.handover.mailbox import CODE, READY, RESEND, Mailbox
from bot.handover.webpage import LocalPageChannel
from tests.support.local_page import csrf, fetch


@pytest.fixture
def page():
    channel = LocalPageChannel(Mailbox(), "PHARMA-1")
    channel.open("code")
    yield channel
    channel.close()


def test_page_with_token_shows_the_code_form(page):
    status, html = fetch(page.url)
    assert status == 200 and "Code reçu par SMS" in html and 'lang="fr"' in html


@pytest.mark.parametrize(
    "mangle",
    [
        lambda url: url.rsplit("/", 1)[0],  # no token
        lambda url: url[:-3] + "xyz",  # wrong token
        lambda url: url.replace("/code/", "/"),
    ],
)
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


def test_the_same_code_twice_is_one_try_and_the_form_closes_once_a_code_is_taken(page):
    token = csrf(fetch(page.url)[1])
    status, html = fetch(page.url, {"_csrf": token, "action": "code", "code": "111111"})
    assert status == 200 and "Code transmis au bot" in html
    # a double click, a reload re-posting the form, a « renvoi » after the code was taken: closed
    for form in ({"action": "code", "code": "111111"}, {"action": "code", "code": "222222"}, {"action": "resend"}):
        status, html = fetch(page.url, {"_csrf": token, **form})
        assert status == 410 and "déjà été transmise" in html
    assert "Code transmis au bot" in fetch(page.url)[1] and 'name="code"' not in fetch(page.url)[1]
    assert page.mailbox.take({CODE}, timeout=0).value == "111111"
    assert page.mailbox.take({CODE, RESEND}, timeout=0) is None
    page.refused()  # the portal refused it: the form reopens, but that code is not sent again
    status, html = fetch(page.url, {"_csrf": token, "action": "code", "code": "111 111"})
    assert status == 200 and "déjà été transmis" in html and page.mailbox.take({CODE}, timeout=0) is None
    fetch(page.url, {"_csrf": token, "action": "code", "code": "333333"})
    assert page.mailbox.take({CODE}, timeout=0).value == "333333"


def test_two_channels_giving_the_same_code_spend_one_try():
    from bot.handover.session import HandOver

    box = Mailbox()
    box.channel_opened("x")
    person = HandOver(box, [], account="A", code_wait=5)
    person.sms_at = person.clock()
    box.offer_code("444444", "terminal")
    box.offer_code("444444", "page-locale")
    box.offer_code("555555", "otp-commande")
    assert person.code(None) == "444444"
    assert person.code(None, again=True) == "555555"


def raw_post(page, headers: dict[str, str], body: bytes = b"", path: str | None = None) -> int:
    import http.client

    port = page.server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest(
        "POST", path or urllib.parse.urlsplit(page.url).path, skip_host=True, skip_accept_encoding=True
    )
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    if body:
        connection.send(body)
    try:
        return connection.getresponse().status
    finally:
        connection.close()


def test_token_and_host_are_checked_before_the_body_and_the_body_is_bounded(page, capfd):
    host = f"127.0.0.1:{page.server.server_address[1]}"
    # 50 MB announced but never sent: refused at once from the headers (the server does not wait for it)
    assert raw_post(page, {"Host": host, "Content-Length": str(50_000_000)}, path="/code/wrong") == 403
    assert raw_post(page, {"Host": "evil.example", "Content-Length": str(50_000_000)}) == 403
    assert raw_post(page, {"Host": host, "Content-Length": str(50_000_000)}) == 413
    for bad in ("-1", "abc", "1e3", "²"):
        assert raw_post(page, {"Host": host, "Content-Length": bad}) == 400
    import socket

    with socket.create_connection(page.server.server_address) as sock:  # hangs up mid-request
        sock.sendall(
            b"POST "
            + urllib.parse.urlsplit(page.url).path.encode()
            + b" HTTP/1.1\r\nHost: "
            + host.encode()
            + b"\r\nContent-Length: 100\r\n\r\n_csrf="
        )
    assert fetch(page.url)[0] == 200  # still serving
    assert "Traceback" not in capfd.readouterr().err


def test_a_connection_that_never_sends_its_request_is_closed_and_others_still_served(page, monkeypatch):
    import socket

    from bot.system import localweb

    monkeypatch.setattr(localweb, "HEADERS_SECONDS", 1)
    with socket.create_connection(page.server.server_address, timeout=30) as silent:
        silent.sendall(b"GET /code/")  # never finished: once, a thread per connection waited for ever
        assert silent.recv(100) == b""
    status, html = fetch(page.url)
    assert status == 200 and "Code reçu par SMS" in html


def test_a_refusal_is_a_french_page_with_the_safe_headers(page):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", page.server.server_address[1], timeout=5)
    connection.request("GET", "/code/faux")
    reply = connection.getresponse()
    assert reply.status == 403 and "Accès refusé" in reply.read().decode()
    assert reply.getheader("Cache-Control") == "no-store" and reply.getheader("X-Frame-Options") == "DENY"
    assert reply.getheader("Referrer-Policy") == "no-referrer" and reply.getheader("Server") is None
