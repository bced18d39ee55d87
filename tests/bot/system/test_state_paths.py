"""The state folder's files are named once (`bot/system/state_paths.py`): a name written anywhere
else in bot/ or flows/ fails here, with its file and line."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.system import state_paths

ROOT = Path(__file__).resolve().parents[3]
NAMES = {value: key for key, value in vars(state_paths).items() if key.isupper() and isinstance(value, str)}
# Words that are also something else: the dashboard's « essai » form, a drop's `via`, the project's
# own `recordings/` folder (bot/settings/config.py).
ALSO_WORDS = {state_paths.TRIAL, state_paths.DASHBOARD_RUNS, state_paths.RECORDINGS}


def written_elsewhere(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted([*root.glob("bot/**/*.py"), *root.glob("flows/**/*.py")]):
        if path.name == "state_paths.py" or "sandbox" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in NAMES and node.value not in ALSO_WORDS:
                found.append(f"{path.relative_to(root).as_posix()}:{node.lineno} {node.value!r}")
    return found


def test_each_name_once():
    assert len(NAMES) == len([k for k in vars(state_paths) if k.isupper()]), "two names for one file"


def test_no_state_file_is_named_outside_the_module():
    found = written_elsewhere()
    assert not found, "take the name from bot/system/state_paths.py:\n" + "\n".join(found)


def test_the_scan_sees_a_name(tmp_path):
    probe = tmp_path / "bot" / "probe.py"
    probe.parent.mkdir()
    probe.write_text('from pathlib import Path\nPath("state") / "scheduler.json"\n', encoding="utf-8")
    assert written_elsewhere(tmp_path) == ["bot/probe.py:2 'scheduler.json'"]


def test_the_newest_waiting_file_of_a_period(tmp_path):
    assert state_paths.waiting_file(tmp_path, "al-amal", "2026-10") is None
    folder = state_paths.inbox(tmp_path, "al-amal", "2026-10")
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("1")
    (folder / "b.txt").write_text("2")
    assert folder == tmp_path / "inbox" / "al-amal" / "2026-10"
    assert state_paths.waiting_file(tmp_path, "al-amal", "2026-10") == folder / "b.txt"
