"""Daily use from any folder: settings in the user's config folder as well as ./.env, recordings in
the user's data folder (never a OneDrive-synced current folder), and doctor says where."""

from __future__ import annotations

from bot.run.doctor_checks import all_checks, synced_folder
from bot.settings.config import env_files, load_settings, read_environment


def test_settings_are_found_in_the_user_config_folder_from_any_folder(tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / ".env").write_text("DAMANCOM_IDENTIFIER=PHARMA-CONFIG\nDAMANCOM_CODE_WAIT=120\n", encoding="utf-8")
    elsewhere = tmp_path / "Bureau"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # a second terminal, opened anywhere
    environ = read_environment({"DAMANCOM_CONFIG_DIR": str(config)})
    assert environ["DAMANCOM_IDENTIFIER"] == "PHARMA-CONFIG"
    (elsewhere / ".env").write_text("DAMANCOM_IDENTIFIER=PHARMA-ICI\n", encoding="utf-8")
    environ = read_environment({"DAMANCOM_CONFIG_DIR": str(config)})
    assert environ["DAMANCOM_IDENTIFIER"] == "PHARMA-ICI"  # the folder's own .env is stronger
    assert environ["DAMANCOM_CODE_WAIT"] == "120"  # and the rest still comes from the user's file
    assert [f.name for f in env_files({"DAMANCOM_CONFIG_DIR": str(config)})] == [".env", ".env"]


def test_recordings_default_to_the_user_data_folder_not_the_current_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings({"DAMANCOM_STATE_DIR": str(tmp_path / "donnees")}, need_credentials=False)
    assert settings.recordings == tmp_path / "donnees" / "recordings"
    settings = load_settings({"DAMANCOM_RECORDINGS": str(tmp_path / "ailleurs")}, need_credentials=False)
    assert settings.recordings == tmp_path / "ailleurs"


def test_doctor_warns_about_a_onedrive_folder(tmp_path):
    onedrive = tmp_path / "OneDrive - Pharmacie"
    inside = onedrive / "Documents" / "recordings"
    assert synced_folder("synchronisation", inside, {"OneDrive": str(onedrive)}).ok is False
    assert synced_folder("synchronisation", tmp_path / "AppData" / "recordings", {}) is None


def test_doctor_says_which_settings_files_it_read(tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / ".env").write_text("DAMANCOM_IDENTIFIER=PHARMA-CONFIG\n", encoding="utf-8")
    environ = {
        "DAMANCOM_CONFIG_DIR": str(config),
        "DAMANCOM_STATE_DIR": str(tmp_path / "state"),
        "DAMANCOM_RECORDINGS": str(tmp_path / "recordings"),
    }
    settings = load_settings(read_environment(environ, tmp_path), need_credentials=False, cwd=tmp_path)
    checks = {c.name: c.detail for c in all_checks(settings, environ, with_browser=False, cwd=tmp_path)}
    assert str((config / ".env").resolve()) in checks["réglages"]  # doctor's lines, without its browser
    assert checks["enregistrements"] == str(tmp_path / "recordings")
