"""`damancom-bot doctor`: the machine's checks, then the portal's screens against the selectors."""

from __future__ import annotations

from bot.sandbox import Portal, Sandbox
from bot.sandbox.faults import Faults


def test_doctor_without_live_checks_the_machine(run_cli):
    result = run_cli("doctor", process=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("configuration", "dossier d'état", "enregistrements", "sélecteurs", "navigateur"):
        assert any(line.startswith("ok ") and name in line for line in result.stdout.splitlines()), name
    assert "-- " in result.stdout and "DAMANCOM_IDENTIFIER" in result.stdout  # a warning, not a failure


def test_doctor_reports_an_unwritable_folder(run_cli, tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    result = run_cli("doctor", env={"DAMANCOM_RECORDINGS": str(blocker / "sous-dossier")})
    assert result.returncode == 2
    assert "!!  enregistrements" in result.stdout


def test_doctor_live_on_the_sandbox_finds_every_element(run_cli, sandbox, tmp_path):
    result = run_cli("doctor", "--live", env={"DAMANCOM_URL": sandbox.url})
    assert result.returncode == 0, result.stdout + result.stderr
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


def test_doctor_live_on_an_unreachable_portal_is_exit_4(run_cli):
    result = run_cli("doctor", "--live", env={"DAMANCOM_URL": "http://127.0.0.1:9/fr/", "DAMANCOM_RETRIES": "1",
                                              "DAMANCOM_RETRY_BACKOFF": "0.1"})
    assert result.returncode == 4, result.stdout + result.stderr
    assert "ne répond pas" in result.stderr


def test_doctor_live_says_the_portal_accepts_a_headless_browser(run_cli, sandbox):
    result = run_cli("doctor", "--live", env={"DAMANCOM_URL": sandbox.url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "navigateur        invisible (headless) accepté" in result.stdout


def test_doctor_live_says_when_the_portal_refuses_a_headless_browser(run_cli, tmp_path):
    with Sandbox(Portal(), faults=Faults("refuse-headless")) as refusing:
        result = run_cli("doctor", "--live", env={"DAMANCOM_URL": refusing.url})
    assert result.returncode == 10, result.stdout + result.stderr
    assert "refuse les navigateurs invisibles" in result.stderr and "fenêtre visible" in result.stderr
    assert "étranger" not in result.stderr
