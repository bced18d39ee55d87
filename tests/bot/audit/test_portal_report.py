"""The « rapport de portail »: a page that surprised the bot kept as a sanitized snapshot, packed by
`damancom-bot portal-report`, with nothing secret in it in any encoding."""

from __future__ import annotations

import base64
import json
import zipfile
from urllib.parse import quote, quote_plus

from bot.audit import snapshot
from bot.audit.recorder import Recorder
from bot.output import redact
from flows.engine.found import strategies_found
from tests.support.tiny_portal import TinyPortal

PASSWORD = 'Mot&de/Passe"2026!'
CODE = "482913"
TOKEN = "jeton-c5f0e1d2a3b4c5d6e7f8"
B64_TOKEN = base64.b64encode(TOKEN.encode()).decode()

PLANTED = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="csrf-token" content="{TOKEN}"><title>Un écran nouveau</title>
<script>window.__jeton = "{TOKEN}"; window.__b64 = "{B64_TOKEN}";</script></head>
<body data-session="{TOKEN}" onload="void '{TOKEN}'"><h1>Un écran nouveau</h1>
<p id="echo"></p>
<form action="/suite?jeton={TOKEN}"><input type="hidden" name="_csrf" value="{TOKEN}">
<label>Identifiant <input name="identifiant" value="PHARMA-DEMO"></label>
<label>Code reçu par SMS <input name="otp" autocomplete="one-time-code"></label>
<label>Mot de passe <input name="pwd" type="password"></label>
<textarea name="note">{TOKEN}</textarea>
<a href="/aide?token={quote(TOKEN)}#{TOKEN}">Aide</a> <img alt="" src="data:text/plain;base64,{B64_TOKEN}">
<button type="submit">Continuer</button></form><!-- debug {TOKEN} --></body></html>"""


def encodings(secret: str) -> set[bytes]:
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=True)[1:-1],
        base64.b64encode(secret.encode()).decode(),
        base64.urlsafe_b64encode(secret.encode()).decode(),
    }
    return {f.encode() for f in forms}


def assert_nothing_secret(data: bytes, where: str) -> None:
    for secret in (PASSWORD, CODE, TOKEN):
        for form in encodings(secret):
            assert form not in data, f"{secret!r} ({form!r}) in {where}"


def test_a_snapshot_and_its_report_hold_nothing_secret(page, tmp_path, run_cli):
    redact.register(PASSWORD)  # as the bot does when it reads its settings and when a code is typed
    redact.register(CODE)
    recorder = Recorder(tmp_path / "recordings", "PHARMA-DEMO", "2026-10", run_id="test")
    with TinyPortal(PLANTED) as tiny:
        page.goto(tiny.url)
        page.get_by_label("Code reçu par SMS").fill(CODE)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.evaluate(
            "([p, c]) => { document.getElementById('echo').textContent = `Reçu : ${p} et ${c}`; }", [PASSWORD, CODE]
        )  # a portal echoing what was typed
        recorder.try_screenshot(page, "echec")
        kept = snapshot.keep(
            recorder,
            page,
            exit_code=6,
            message=f"Écran inconnu (code {CODE})",
            screens=lambda page: strategies_found(page, None),
        )
    data = json.loads(kept.read_text(encoding="utf-8"))
    html = (recorder.folder / data["html"]).read_text(encoding="utf-8")
    assert "<script" not in html and "Un écran nouveau" in html and "Continuer" in html
    assert data["screenshot"].endswith(".png") and data["url"] == tiny.url
    identifier = next(s for s in data["screens"] if s["screen"] == "identifier")
    found = {e: max((s["visible"] or 0) for s in strategies) for e, strategies in identifier["elements"].items()}
    assert found["identifier"] >= 1  # what the bot looked for, and what it found

    result = run_cli(
        "portal-report",
        "--sortie",
        str(tmp_path / "rapport.zip"),
        input="o\n",
        env={"DAMANCOM_RECORDINGS": str(tmp_path / "recordings")},
    )
    assert result.returncode == 0, result.stderr
    assert "1 page(s)" in result.stdout and "Écran inconnu" in result.stdout  # shown before it is written
    assert "Rapport de portail écrit" in result.stdout
    packed = (tmp_path / "rapport.zip").read_bytes()
    assert_nothing_secret(packed, "rapport.zip")
    with zipfile.ZipFile(tmp_path / "rapport.zip") as archive:
        names = archive.namelist()
        assert {
            "LISEZMOI.txt",
            "01-PHARMA-DEMO/instantane.html",
            "01-PHARMA-DEMO/instantane.json",
            "01-PHARMA-DEMO/capture.png",
        } <= set(names)
        for name in names:
            assert_nothing_secret(archive.read(name), name)
    for path in recorder.folder.iterdir():  # the run's folder too
        if path.suffix in (".html", ".json") and snapshot.STEP in path.name:
            assert_nothing_secret(path.read_bytes(), path.name)


def test_nothing_is_written_unless_the_person_agrees(tmp_path, run_cli, page):
    recorder = Recorder(tmp_path / "recordings", "PHARMA-DEMO", "2026-10", run_id="test")
    with TinyPortal("<!doctype html><html><body><h1>Inconnu</h1></body></html>") as tiny:
        page.goto(tiny.url)
        snapshot.keep(recorder, page, exit_code=6, message="Écran inconnu")
    result = run_cli(
        "portal-report",
        "--sortie",
        str(tmp_path / "rapport.zip"),
        input="n\n",
        env={"DAMANCOM_RECORDINGS": str(tmp_path / "recordings")},
    )
    assert result.returncode == 0 and "Rien n'a été écrit." in result.stdout
    assert not (tmp_path / "rapport.zip").exists()


def test_without_snapshots_the_report_says_so(tmp_path, run_cli):
    result = run_cli("portal-report", "--oui", env={"DAMANCOM_RECORDINGS": str(tmp_path / "vide")})
    assert result.returncode == 2 and "Aucune page incomprise" in result.stderr


def test_a_run_stopped_on_an_unknown_screen_keeps_a_snapshot_and_its_folder_still_verifies(run_cli, tmp_path):
    renovated = "<!doctype html><html lang='fr'><body><h1>Portail rénové</h1><p>Bienvenue</p></body></html>"
    with TinyPortal(renovated) as tiny:
        result = run_cli(
            "login",
            env={
                "DAMANCOM_URL": tiny.url,
                "DAMANCOM_IDENTIFIER": "PHARMA-DEMO",
                "DAMANCOM_PASSWORD": PASSWORD,
                "DAMANCOM_TIMEOUT_ACTION": "2",
            },
        )
    assert result.returncode == 6, result.stderr
    kept = list((tmp_path / "recordings").rglob(f"*-{snapshot.STEP}.json"))
    assert len(kept) == 1
    data = json.loads(kept[0].read_text(encoding="utf-8"))
    assert data["exit_code"] == 6 and "Portail rénové" in (kept[0].parent / data["html"]).read_text(encoding="utf-8")
    home = next(s for s in data["screens"] if s["screen"] == "home")
    assert home["recognised"] is False and "otp_button" in home["elements"]
    verified = run_cli("audit", "verify", str(kept[0].parent))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_refusal_the_bot_cannot_read_keeps_a_snapshot_too(run_cli, tmp_path):
    with TinyPortal("<!doctype html><html><body><p>Erreur 0x80070005</p></body></html>", status=403) as tiny:
        result = run_cli(
            "login",
            env={
                "DAMANCOM_URL": tiny.url,
                "DAMANCOM_IDENTIFIER": "PHARMA-DEMO",
                "DAMANCOM_PASSWORD": PASSWORD,
                "DAMANCOM_RETRIES": "1",
            },
        )
    assert result.returncode == 4, result.stderr
    kept = list((tmp_path / "recordings").rglob(f"*-{snapshot.STEP}.json"))
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8"))["exit_code"] == 4
