"""What a report's first page says about the period, and the e-BDS appendix wrapped in the PDF.
Folders written by the real Recorder; the PDF printed by the test's Chromium."""

from __future__ import annotations

from datetime import datetime

from bot.audit.recorder import Recorder
from bot.audit.report import build_html, write_reports
from bot.schedule.plan import parse_plan
from bot.system import clock

MOMENT = datetime(2026, 12, 2, 21, 5, tzinfo=clock.TZ)


def login_run(root, state: str, environ=None) -> Recorder:
    recorder = Recorder(root, "PHARMA-1", "2026-11", now=lambda: MOMENT, deadline_of=parse_plan(environ or {}).deadline)
    recorder.record("espace-lu", employer="Pharmacie Élan", affiliation="1234567", state=state)
    recorder.finish(0, "Espace affilié atteint.")
    return recorder


def test_a_logins_report_says_the_period_is_still_to_file_and_by_when(tmp_path):
    page = build_html(login_run(tmp_path, "to_declare").folder)
    assert "celle de novembre 2026 reste à faire avant le 10/12/2026 à 23:59 (heure du Maroc)" in page
    assert "« À déclarer » sur le portail : à déposer avant le 10/12/2026" in page
    overridden = login_run(tmp_path / "b", "to_declare", {"DAMANCOM_DEADLINE_OVERRIDES": "2026-11=2026-12-17"})
    assert "avant le 17/12/2026 à 23:59" in build_html(overridden.folder)  # the plan's rules, overrides included
    done = build_html(login_run(tmp_path / "c", "declared").folder)
    assert "« Déclarée » sur le portail : déjà déposée" in done and "reste à faire" not in done


def test_the_appendix_wraps_long_ebds_lines_in_the_pdf(tmp_path, page):
    from tests.support.pdf_text import pages

    recorder = Recorder(tmp_path, "PHARMA-1", "2026-11", now=lambda: MOMENT, kind="declaration")
    ebds = recorder.folder / "DS_1234567_202611.txt"
    ebds.write_bytes(b"B00" + b"1" * 240 + b"FINDELALIGNE\r\n" + b"B01" + b"2" * 100 + b"\r\n")
    recorder.add_file(ebds, "fichier-declaration")
    recorder.finish(5, "Fichier refusé.")
    pdf = write_reports(recorder.folder, page)[1]
    text = " ".join(pages(pdf)).replace(" ", "")
    assert "FINDELALIGNE" in text  # the end of a 255-character record is on the page, not cut at its edge
