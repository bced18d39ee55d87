"""The report: opens in Chromium and shows every step; the PDF has pages; `report --last`."""

from __future__ import annotations

from PIL import Image

from bot.audit.manifest import read_records


def test_report_shows_every_step_in_chromium(run_folder, page):
    page.goto((run_folder / "report.html").resolve().as_uri())
    records = read_records(run_folder)
    page.get_by_role("heading", name="Déclaration CNSS — rapport d'exécution de damancom-bot").wait_for()
    assert page.get_by_text("PHARMA-DEMO").first.is_visible()
    assert page.get_by_text("Réussite").is_visible()
    shots = [r for r in records if r.get("file", "").endswith(".png")]
    assert page.locator(".step").count() == len(shots)
    for number, record in enumerate(shots, 1):
        assert page.get_by_text(f"Étape {number} — ", exact=False).first.is_visible()
    assert page.get_by_text("Étape 1 — Page d'accueil du portail").is_visible()
    assert page.locator(".step img").count() == len(shots)
    widths = page.locator(".step img").evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 0 for w in widths)  # embedded, so readable offline
    assert page.get_by_text("Fin", exact=True).locator("xpath=following-sibling::td").inner_text() != "—"


def test_a_login_keeps_no_pdf_and_report_prints_one_on_demand(run_folder, run_cli, tmp_path):
    import shutil

    copy = tmp_path / "copie" / "PHARMA-DEMO" / run_folder.parent.name / run_folder.name
    shutil.copytree(run_folder, copy)
    assert not (copy / "report.pdf").exists()  # a login is no filing: its report stays HTML
    result = run_cli("report", str(copy), "--pdf", env={"DAMANCOM_RECORDINGS": str(tmp_path / "copie")})
    assert result.returncode == 0, result.stderr
    assert "Rapport PDF  :" in result.stdout
    from tests.support.pdf_text import pages

    text = pages(copy / "report.pdf")
    assert len(text) == 2, text  # the summary, then every step of a login on one page
    assert "Connexion réussie" in text[0] and "aucune déclaration" in text[0] and "Étape" not in text[0]
    assert "Étape 1 — Page d'accueil du portail" in text[1]


def test_report_command_finds_the_last_run(run_folder, run_cli):
    recordings = run_folder.parents[2]
    result = run_cli("report", "--last", env={"DAMANCOM_RECORDINGS": str(recordings)}, process=True)
    assert result.returncode == 0, result.stderr
    assert f"Rapport HTML : {run_folder / 'report.html'}" in result.stdout


def test_every_screenshot_with_secret_fields_is_masked(run_folder):
    records = read_records(run_folder)
    code_screens = [r for r in records if r["step"] in ("code-demande", "code-saisi")]
    assert code_screens and all(len(r["masked"]) == 2 for r in code_screens)  # code and password
    for record in records:
        for x, y, w, h in record.get("masked", []):
            image = Image.open(run_folder / record["file"]).convert("RGB")
            box = image.crop((x + 2, y + 2, x + w - 2, y + h - 2))
            assert box.getextrema() == ((0, 0), (0, 0), (0, 0)), f"{record['file']} not masked at {(x, y, w, h)}"


def test_report_last_skips_doctor_live_folders(tmp_path, run_cli):
    import json

    def folder(period: str, time: str):
        path = tmp_path / "rec" / "PHARMA-DEMO" / period / f"{time[:10]}-abc"
        path.mkdir(parents=True)
        (path / "manifest.jsonl").write_text(json.dumps({"seq": 1, "time": time, "step": "debut"}) + "\n")
        return path

    run = folder("2026-10", "2026-11-02T21:00:00+01:00")
    (run / "report.html").write_text("<html></html>")
    folder("diagnostic", "2026-11-03T09:00:00+01:00")  # newer, no report
    result = run_cli("report", "--last", env={"DAMANCOM_RECORDINGS": str(tmp_path / "rec")})
    assert result.returncode == 0, result.stderr
    assert str(run / "report.html") in result.stdout
