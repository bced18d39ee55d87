"""The dashboard looks for reports where its runs write them: the bot's own rule for the
recordings folder, applied to the folder the dashboard runs the bot in."""

from __future__ import annotations

from bot.app.dashboard import Dashboard


def test_without_setting_reports_are_looked_for_in_the_data_folder_not_the_current_one(cli_env, tmp_path):
    environ = {k: v for k, v in cli_env.items() if k != "DAMANCOM_RECORDINGS"}
    board = Dashboard(environ, tmp_path)  # started from the Desktop, say: no recordings/ there
    assert board.recordings == tmp_path / "state" / "recordings"


def test_from_the_project_folder_reports_are_in_its_recordings(cli_env, tmp_path):
    environ = {k: v for k, v in cli_env.items() if k != "DAMANCOM_RECORDINGS"}
    (tmp_path / "recordings").mkdir()
    (tmp_path / "recordings" / ".gitkeep").touch()
    assert Dashboard(environ, tmp_path).recordings == tmp_path / "recordings"


def test_a_relative_setting_is_read_from_the_dashboards_folder(cli_env, tmp_path):
    assert Dashboard({**cli_env, "DAMANCOM_RECORDINGS": "preuves"}, tmp_path).recordings == tmp_path / "preuves"
