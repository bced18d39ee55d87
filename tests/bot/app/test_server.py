"""The dashboard's HTTP rules, without a browser: token, Host, CSRF, bounded bodies, report files."""

from __future__ import annotations

import http.client
import json
import urllib.parse

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
    status, _ = fetch(dashboard.url + "action/verifier", data={"_csrf": csrf(fetch(dashboard.url)[1])},
                      host=f"evil.example:{port}")
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
    connection.request("POST", path + "action/connexion", body=urllib.parse.urlencode({"_csrf": token}),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    reply = connection.getresponse()
    assert reply.status == 303
    location = reply.getheader("Location")
    assert location.startswith(path + "?n=")
    status, html = fetch(dashboard.url + location[len(path):])
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
    for wrong in ("fichier/../secret.txt", "fichier/%2e%2e/secret.txt", "fichier/..%2fsecret.txt",
                  "fichier/notes.exe", "fichier/PHARMA-DEMO/absent.pdf", f"fichier/{tmp_path}/secret.txt"):
        status, body = fetch(dashboard.url + wrong)
        assert status in (403, 404) and "hors du dossier" not in body, wrong


def test_live_sections_as_json(dashboard):
    status, body = fetch(dashboard.url + "etat.json")
    sections = json.loads(body)["sections"]
    assert set(sections) == {"attente", "direct", "periodes", "rapports", "verifications"}
    assert "Aucune déclaration suivie" in sections["periodes"]["html"]
