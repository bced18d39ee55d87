"""The child's result JSON carries why a person declined (the scheduler's signal; issue 11)."""

from __future__ import annotations

import json

import pytest

from bot.errors import CodeNotProvided, PersonDeclined
from bot.exit_codes import ExitCode
from bot.schedule.attempt import write_result


@pytest.mark.parametrize(
    "error, reason",
    [
        (PersonDeclined("Pas maintenant.", reason="not_now"), "not_now"),
        (PersonDeclined("Arrêt.", reason="stop"), "stop"),
        (CodeNotProvided("Personne n'a répondu."), None),
    ],
)
def test_reason_is_written_with_the_exit_code(tmp_path, error, reason):
    path = tmp_path / "dossier é" / "result.json"
    path.parent.mkdir()
    write_result(str(path), int(error.exit_code), None, tmp_path, error.message, reason=getattr(error, "reason", None))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["exit_code"] == ExitCode.NO_CODE and data["reason"] == reason
    assert isinstance(error, CodeNotProvided)  # a decline stays « no code » (exit 3) for every existing reader
