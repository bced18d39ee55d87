"""`damancom-bot doctor`: the machine's checks, then the portal's screens against the selectors."""

from __future__ import annotations

import socket

import pytest

from bot.errors import ConfigError
from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults


def test_doctor_without_live_checks_the_machine(run_cli):
    result = run_cli("doctor", process=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("configuration", "dossier d'état", "enregistrements", "sélecteurs", "navigateur"):
        assert any(line.startswith("ok ") and name in line for line in result.stdout.splitlines()), name
    assert "-- " in result.stdout and "DAMANCOM_IDENTIFIER" in result.stdout  # a warning, not a failure


def test_doctor_reports_an_unwritable_folder_and_a_plan_the_scheduler_refuses(run_cli, tmp_path):
    """Two blocking checks in one run: each its « !! » line, exit 2, never « Tout est prêt »."""
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    result = run_cli(
        "doctor", env={"DAMANCOM_RECORDINGS": str(blocker / "sous-dossier"), "DAMANCOM_WINDOWS": "25:00-26:00"}
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "!!  enregistrements" in result.stdout
    assert "!!  planification" in result.stdout and "Tout est prêt" not in result.stdout


def test_doctor_live_on_the_sandbox_finds_every_element(run_cli, sandbox, tmp_path):
    """Also where a portal accepts a headless browser, which the same run says."""
    result = run_cli("doctor", "--live", env={"DAMANCOM_URL": sandbox.url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "navigateur        invisible (headless) accepté" in result.stdout
    assert "page d'accueil           otp_button        role='link', name=\"S'authentifier avec OTP\"" in result.stdout
    assert "saisie de l'identifiant  identifier        label='Identifiant'" in result.stdout
    assert "INTROUVABLE" not in result.stdout
    assert sandbox.outbox.all() == []  # nothing was submitted: no SMS
    assert len(list((tmp_path / "recordings").rglob("*.png"))) >= 2


def test_doctor_live_on_a_drifted_portal_lists_what_is_missing(run_cli, tmp_path):
    with Sandbox(Portal(), faults=Faults("drift")) as drifted:
        result = run_cli("doctor", "--live", env={"DAMANCOM_URL": drifted.url})
    assert result.returncode == 6, result.stdout + result.stderr
    assert "otp_button        INTROUVABLE" in result.stdout
    assert "Éléments introuvables sur" in result.stderr and "page d'accueil : otp_button" in result.stderr
    assert list((tmp_path / "recordings").rglob("*diagnostic-accueil.png"))


def _closed_port() -> int:
    """A port nothing listens on (and that browsers allow: port 9 is one Chromium refuses outright)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_doctor_live_on_an_unreachable_portal_is_exit_4(run_cli):
    result = run_cli(
        "doctor",
        "--live",
        env={
            "DAMANCOM_URL": f"http://127.0.0.1:{_closed_port()}/fr/",
            "DAMANCOM_RETRIES": "1",
            "DAMANCOM_RETRY_BACKOFF": "0.1",
        },
    )
    assert result.returncode == 4, result.stdout + result.stderr
    assert "ne répond pas" in result.stderr


def test_a_port_the_browser_refuses_is_a_setting_to_fix_not_an_overloaded_portal(run_cli):
    result = run_cli("doctor", "--live", env={"DAMANCOM_URL": "http://127.0.0.1:9/fr/"})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "son port est réservé à d'autres services (ERR_UNSAFE_PORT)" in result.stderr
    assert "surchargé" not in result.stderr and "adresse du portail" in result.stderr  # DAMANCOM_URL, in words


@pytest.mark.parametrize(
    "name, raw",
    [
        ("DAMANCOM_WINDOWS", "25:00-26:00"),
        ("DAMANCOM_DEADLINE", "31 23:59"),
        ("DAMANCOM_FIRST_ATTEMPT", "1 24:00"),
        ("DAMANCOM_DEADLINE_OVERRIDES", "2026-06=2026-02-30"),
        ("DAMANCOM_PARALLEL", "0"),
    ],
)
def test_doctor_refuses_what_the_scheduler_refuses(name, raw, tmp_path):
    """The same code as `schedule` at its start: never « Tout est prêt » for a plan it refuses."""
    from bot.run.doctor_checks import schedule_settings
    from bot.schedule.plan import parse_plan

    check = schedule_settings({name: raw})
    assert not check.ok and check.blocking and name in check.detail and "refuserait de démarrer" in check.detail
    if name != "DAMANCOM_PARALLEL":
        with pytest.raises(ConfigError):
            parse_plan({name: raw})
    assert schedule_settings({}).ok and "échéance le 10 à 23:59" in schedule_settings({}).detail


def test_doctor_checks_each_accounts_own_plan(tmp_path):
    from bot.run.doctor_checks import schedule_settings

    accounts = tmp_path / "comptes.toml"
    accounts.write_text('[accounts.elan]\nidentifier = "PHARMA-1"\nwindows = "21:00-19:00x"\n', encoding="utf-8")
    check = schedule_settings({"DAMANCOM_ACCOUNTS": str(accounts)})
    assert not check.ok and "DAMANCOM_WINDOWS" in check.detail


def test_doctor_live_says_when_the_portal_refuses_a_headless_browser(run_cli, tmp_path):
    with Sandbox(Portal(), faults=Faults("refuse-headless")) as refusing:
        result = run_cli("doctor", "--live", env={"DAMANCOM_URL": refusing.url})
    assert result.returncode == 10, result.stdout + result.stderr
    assert "refuse les navigateurs invisibles" in result.stderr and "fenêtre visible" in result.stderr
    assert "étranger" not in result.stderr


def test_doctor_says_plainly_when_there_is_no_system_keyring():
    from bot.run.doctor_checks import keyring_check
    from tests.support.keyrings import no_keyring

    assert keyring_check().ok and "le trousseau des tests" in keyring_check().detail
    with no_keyring():
        check = keyring_check()
    assert not check.ok and not check.blocking and "Aucun trousseau système" in check.detail
