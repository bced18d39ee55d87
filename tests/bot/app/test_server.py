"""The dashboard's HTTP rules, without a browser: token, Host, CSRF, bounded bodies, report files."""

from __future__ import annotations

import http.client
import json
import os
import urllib.parse

import pytest

from tests.support.local_page import csrf, fetch


def test_only_the_token_url_opens_the_page(dashboard):
    status, html = fetch(dashboard.url)
    assert status == 200 and "tableau de bord" in html
    base = dashboard.url.split("/app/")[0]
    path = urllib.parse.urlsplit(dashboard.url).path
    for wrong in ("/", "/app/", "/app/pas-le-jeton/", path[:-5] + "/", path[:-1] + "x/", "/x" + path):
        status, html = fetch(base + wrong)
        assert status == 403 and "Accès refusé" in html and dashboard.dashboard.token not in html
    assert fetch(dashboard.url + "etat.json")[0] == 200
    assert fetch(base + "/app/autre/etat.json")[0] == 403


def test_host_header_must_be_the_loopback_address(dashboard):
    port = dashboard.url.split(":")[2].split("/")[0]
    for host in (f"localhost:{port}", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port}.evil"):
        status, _ = fetch(dashboard.url, host=host)
        assert status == 403, host
    status, _ = fetch(
        dashboard.url + "action/verifier", data={"_csrf": csrf(fetch(dashboard.url)[1])}, host=f"evil.example:{port}"
    )
    assert status == 403


def test_every_post_needs_the_csrf_token(dashboard, tmp_path):
    token = csrf(fetch(dashboard.url)[1])
    for action in ("pret", "code", "connexion", "deposer", "verifier", "reglages", "fichier"):
        for form in ({}, {"_csrf": "faux"}, {"_csrf": token + "x"}, {"_csrf": "é" * 10}):
            status, html = fetch(dashboard.url + f"action/{action}", data={**form, "identifiant": "PIRATE"})
            assert status == 403, (action, form)
    assert not (tmp_path / ".env").exists()  # the forged settings were never written
    assert dashboard.dashboard.jobs.current() is None  # no login started
    assert dashboard.dashboard.doctor == {}


def test_a_button_answers_with_a_redirect_and_the_note(dashboard):
    token = csrf(fetch(dashboard.url)[1])
    connection = http.client.HTTPConnection("127.0.0.1", int(dashboard.url.split(":")[2].split("/")[0]), timeout=5)
    path = urllib.parse.urlsplit(dashboard.url).path
    connection.request(
        "POST",
        path + "action/connexion",
        body=urllib.parse.urlencode({"_csrf": token}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    reply = connection.getresponse()
    assert reply.status == 303
    location = reply.getheader("Location")
    assert location.startswith(path + "?n=")
    status, html = fetch(dashboard.url + location[len(path) :])
    assert "Indiquez d&#x27;abord votre identifiant Damancom" in html and 'role="alert"' in html
    assert dashboard.dashboard.jobs.current() is None


def test_bodies_are_bounded_and_lengths_checked(dashboard):
    port = int(dashboard.url.split(":")[2].split("/")[0])
    path = urllib.parse.urlsplit(dashboard.url).path
    for length, expected in (("abc", 400), ("99999999", 413), ("-1", 400)):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.putrequest("POST", path + "action/verifier")
        connection.putheader("Content-Length", length)
        connection.endheaders()
        assert connection.getresponse().status == expected


def test_report_files_come_only_from_the_recordings_folder(dashboard, tmp_path):
    folder = tmp_path / "recordings" / "PHARMA-DEMO" / "2026-10" / "20261101-210400-abc123"
    folder.mkdir(parents=True)
    (folder / "report.pdf").write_bytes(b"%PDF-1.4 rapport")
    (folder / "report.html").write_text("<p>rapport</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("hors du dossier", encoding="utf-8")
    (tmp_path / "recordings" / "notes.exe").write_bytes(b"MZ")
    status, body = fetch(dashboard.url + "fichier/PHARMA-DEMO/2026-10/20261101-210400-abc123/report.html")
    assert status == 200 and body == "<p>rapport</p>"
    for wrong in (
        "fichier/../secret.txt",
        "fichier/%2e%2e/secret.txt",
        "fichier/..%2fsecret.txt",
        "fichier/notes.exe",
        "fichier/PHARMA-DEMO/absent.pdf",
        f"fichier/{tmp_path}/secret.txt",
    ):
        status, body = fetch(dashboard.url + wrong)
        assert status in (403, 404) and "hors du dossier" not in body, wrong


def test_live_sections_as_json(dashboard):
    status, body = fetch(dashboard.url + "etat.json")
    sections = json.loads(body)["sections"]
    assert set(sections) == {"attente", "direct", "periodes", "rapports", "verifications"}
    assert "Aucune déclaration suivie" in sections["periodes"]["html"]


def _port_and_path(dashboard) -> tuple[int, str]:
    return int(dashboard.url.split(":")[2].split("/")[0]), urllib.parse.urlsplit(dashboard.url).path


def _many_parts(count: int) -> tuple[str, bytes]:
    boundary = "----limite"
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="champ"\r\n\r\nvaleur-1\r\n'.encode()
    body = part * count + f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def _post_multipart(port: int, path: str, content_type: str, body: bytes, send: int | None = None) -> tuple[int, str]:
    """Sends the headers and `send` bytes of the body (all by default), then reads the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", content_type)
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    try:
        connection.send(body if send is None else body[:send])
    except ConnectionError:  # the server answered and closed before the whole body went out
        pass
    reply = connection.getresponse()
    try:
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_a_multipart_flood_without_the_csrf_token_is_refused_before_its_body_is_read(dashboard):
    port, path = _port_and_path(dashboard)
    content_type, body = _many_parts(20_000)
    assert len(body) > 1_400_000
    # only the first kilobyte is sent: an answer proves nothing waited for (nor parsed) the rest
    status, html = _post_multipart(port, path + "action/fichier", content_type, body, send=1024)
    assert status == 403 and "Accès refusé" in html
    status, _ = _post_multipart(port, path + "action/fichier?_csrf=faux", content_type, body, send=1024)
    assert status == 403
    assert dashboard.dashboard.pending is None


def test_a_multipart_flood_with_the_token_is_refused_at_the_part_limit(dashboard):
    port, path = _port_and_path(dashboard)
    token = csrf(fetch(dashboard.url)[1])
    content_type, body = _many_parts(20_000)
    status, html = _post_multipart(port, path + f"action/fichier?_csrf={token}", content_type, body)
    assert status == 400 and "Envoi illisible" in html
    assert dashboard.dashboard.pending is None and dashboard.dashboard.notes == {}
    field = b"y" * 5000  # one field larger than a period or a token could be
    content_type, body = (
        "multipart/form-data; boundary=b",
        (b'--b\r\nContent-Disposition: form-data; name="periode"\r\n\r\n' + field + b"\r\n--b--\r\n"),
    )
    assert _post_multipart(port, path + f"action/fichier?_csrf={token}", content_type, body)[0] == 400


def test_the_upload_form_carries_the_token_in_its_address(dashboard):
    html = fetch(dashboard.url)[1]
    token = csrf(html)
    assert f'action/fichier?_csrf={token}"' in html


def test_a_connection_that_never_finishes_its_request_is_closed(dashboard, monkeypatch):
    import socket

    from bot.system import localweb

    monkeypatch.setattr(localweb, "HEADERS_SECONDS", 1)
    monkeypatch.setattr(localweb, "BODY_SECONDS", 1)
    port, path = _port_and_path(dashboard)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as silent:
        silent.sendall(b"GET " + path.encode())  # half a request line, then nothing
        assert silent.recv(100) == b""  # closed by the server
    with socket.create_connection(("127.0.0.1", port), timeout=30) as slow:
        slow.sendall(
            f"POST {path}action/verifier HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n_csrf=".encode()
        )
        answer = slow.recv(1000)
        assert answer.startswith(b"HTTP/1.1 408")
    assert fetch(dashboard.url)[0] == 200  # still serving


@pytest.mark.skipif(os.name != "posix", reason="a sparse 3 GiB file (Windows would allocate it)")
def test_a_huge_report_is_streamed_and_odd_names_get_a_french_answer(dashboard, tmp_path, monkeypatch):
    from bot.system import localweb

    monkeypatch.setattr(localweb, "BODY_SECONDS", 0)  # the body deadline is for bodies: never cuts a download
    folder = tmp_path / "recordings" / "PHARMA-DEMO" / "2026-10" / "20261101-210400-abc123"
    folder.mkdir(parents=True)
    huge = folder / "report.pdf"
    with open(huge, "wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GiB (sparse): read whole, the page would never answer
    port, path = _port_and_path(dashboard)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path + "fichier/PHARMA-DEMO/2026-10/20261101-210400-abc123/report.pdf")
    reply = connection.getresponse()
    assert reply.status == 200 and reply.getheader("Content-Length") == str(3 * 1024**3)
    for _ in range(3):
        assert reply.read(65536) == b"\0" * 65536
    connection.close()
    for name in ("a" * 300 + ".pdf", "é" * 200 + ".html", "%ff.pdf", "x/" * 3000 + "r.pdf"):
        status, html = fetch(dashboard.url + "fichier/" + urllib.parse.quote(name, safe="/%"))
        assert status == 404 and "Introuvable" in html, name[:20]
    status, html = fetch(dashboard.url + "pas-une-page")
    assert status == 404 and "Introuvable" in html


@pytest.mark.skipif(os.name != "posix", reason="/dev/zero and sparse files")
def test_a_manifest_that_never_ends_does_not_stop_the_page(dashboard, tmp_path):
    base = tmp_path / "recordings" / "PHARMA-DEMO" / "2026-10"
    endless = base / "20261101-210400-zero"
    endless.mkdir(parents=True)
    os.symlink("/dev/zero", endless / "manifest.jsonl")
    big = base / "20261102-210400-big"
    big.mkdir()
    with open(big / "manifest.jsonl", "wb") as handle:
        handle.write(
            b'{"seq": 1, "time": "2026-11-02T21:04:00+01:00", "step": "debut", "account": "PHARMA-DEMO", '
            b'"period": "2026-10"}\n'
        )
        handle.truncate(2 * 1024**3)  # 2 GiB of zeros after the first line
    (big / "report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    status, body = fetch(dashboard.url + "etat.json")
    assert status == 200 and "2026-10" in json.loads(body)["sections"]["rapports"]["html"]
