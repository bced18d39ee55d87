"""`doctor`'s checks that need no browser: folders a clone or `mkdir` left open, credentials from
the accounts file, a true last sentence, `.env` read at call time (the dashboard's button)."""

from __future__ import annotations

import os
import stat

import pytest

from bot.run import doctor_checks
from bot.settings.config import load_settings, read_environment
from tests.support.accounts import write_accounts_file


def environ_for(tmp_path, **extra) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DAMANCOM_")}
    base.update(
        DAMANCOM_STATE_DIR=str(tmp_path / "state"),
        DAMANCOM_RECORDINGS=str(tmp_path / "recordings"),
        DAMANCOM_CONFIG_DIR=str(tmp_path / "config"),
        **extra,
    )
    return base


def checks_of(environ) -> dict[str, doctor_checks.Check]:
    found = doctor_checks.all_checks(load_settings(environ, need_credentials=False), environ, with_browser=False)
    return {c.name: c for c in found}


@pytest.mark.skipif(os.name != "posix", reason="modes are POSIX")
def test_a_fresh_clones_recordings_and_folders_made_by_hand_pass_and_are_closed(tmp_path):
    old = os.umask(0o022)
    try:  # as git and `mkdir` leave them
        (tmp_path / "recordings").mkdir()
        (tmp_path / "recordings" / ".gitkeep").write_text("")
        (tmp_path / "state").mkdir()
    finally:
        os.umask(old)
    check = doctor_checks.private_modes(tmp_path / "state", tmp_path / "recordings")
    assert check.ok and check.blocking and "3 élément(s) rendus privés" in check.detail
    assert stat.S_IMODE((tmp_path / "recordings").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "recordings" / ".gitkeep").stat().st_mode) == 0o600
    assert "rendus privés" not in doctor_checks.private_modes(tmp_path / "state", tmp_path / "recordings").detail


def test_empty_credentials_are_never_told_all_is_ready(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    checks = list(checks_of(environ_for(tmp_path)).values())
    sentence = doctor_checks.verdict(checks)
    assert "Tout est prêt" not in sentence and "identifiants" in sentence
    assert doctor_checks.verdict([doctor_checks.Check("x", True, "")]).startswith("Tout est prêt")


def test_with_an_accounts_file_the_env_credentials_are_not_asked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_accounts_file(
        tmp_path / "comptes.toml", "http://127.0.0.1:9/fr/", [("un", "PHARMA-1", "x" * 8), ("deux", "PHARMA-2", None)]
    )
    found = checks_of(environ_for(tmp_path, DAMANCOM_ACCOUNTS=str(path)))["identifiants"]
    assert not found.ok and "DAMANCOM_IDENTIFIER" not in found.detail and "deux" in found.detail
    assert "un" not in found.detail.replace("secret set", "")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'identifier = "PHARMA-2"', 'identifier = "PHARMA-2"\npassword = "yyyyyyyy"'
        )
    )
    assert checks_of(environ_for(tmp_path, DAMANCOM_ACCOUNTS=str(path)))["identifiants"].ok


def test_the_checks_read_the_env_file_when_called_not_when_the_dashboard_started(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    started = read_environment(environ_for(tmp_path))  # what the dashboard read at its start
    assert "www.damancom.ma" in checks_of(started)["configuration"].detail
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / ".env").write_text("DAMANCOM_URL=http://127.0.0.1:8765/fr/\n", encoding="utf-8")
    shown = checks_of(started)["configuration"].detail
    assert "http://127.0.0.1:8765/fr/" in shown and "bac à sable" in shown


@pytest.mark.parametrize(("name", "raw"), [("DAMANCOM_SALARY_CAPS", "2027-01=beaucoup"), ("DAMANCOM_APP_PORT", "80")])
def test_a_variable_only_one_command_reads_is_refused_by_doctor_already(tmp_path, name, raw):
    found = checks_of(environ_for(tmp_path, **{name: raw}))["réglages"]
    assert not found.ok and found.blocking and found.detail.startswith(name)
    assert doctor_checks.verdict([found]).startswith("Corrigez les points marqués")
    assert checks_of(environ_for(tmp_path))["réglages"].ok
