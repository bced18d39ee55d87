"""Rooms keep their floor: no module imports a room above its own (issue 25, point 4).

Every import of bot/ and flows/, at the top of a module or inside a function, is read from the
source (AST); an import into a higher floor fails with the file and the line. Rooms on one floor
may use each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Low → high, written once. `bot/errors.py`, `bot/exit_codes.py` and `bot/env.py` are the ground
# every room stands on; `sandbox` is the simulated portal, used by the dashboard's « mode essai ».
FLOORS = (
    ("system",),
    ("output",),
    ("settings",),
    ("ledger",),
    ("audit", "ebds"),
    ("sandbox",),
    ("handover",),
    ("flows",),
    ("run",),
    ("schedule",),
    ("app",),
    ("commands",),
    ("cli",),
)
GROUND = {"errors", "exit_codes", "env"}
# Started by the operating system, never imported: an installed task's command line names them.
ENTRY_POINTS = {"bot/__main__.py", "bot/schedule/windowless.py"}

FLOOR = {room: level for level, rooms in enumerate(FLOORS) for room in rooms}


def room_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "flows":
        return "flows"
    if parts[0] != "bot" or len(parts) < 2:
        return None
    return None if parts[1] in GROUND or parts[1].startswith("_") else parts[1]  # bot/__init__.py: ground too


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]  # a module or a name in it
    return found


def modules() -> list[Path]:
    return sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("flows/**/*.py")])


def upward(path: Path, root: Path = ROOT) -> list[str]:
    relative = path.relative_to(root).as_posix()
    own = room_of(".".join(path.relative_to(root).with_suffix("").parts))
    if own is None or relative in ENTRY_POINTS:
        return []
    return [
        f"{relative}:{line} ({own}) imports {name} ({room_of(name)})"
        for line, name in imports(path)
        if room_of(name) is not None and FLOOR[room_of(name)] > FLOOR[own]
    ]


def test_every_room_has_a_floor():
    rooms = {p.relative_to(ROOT / "bot").parts[0].removesuffix(".py") for p in ROOT.glob("bot/*") if p.name[0] != "_"}
    rooms = {r for r in rooms if r not in GROUND and r != "__pycache__"} | {"flows"}
    assert rooms <= set(FLOOR), f"rooms without a floor in FLOORS: {sorted(rooms - set(FLOOR))}"


def test_no_room_imports_a_higher_one():
    found = [line for path in modules() for line in upward(path)]
    assert not found, "upward imports:\n" + "\n".join(found)


def test_the_check_sees_an_upward_import(tmp_path):
    """The scan itself: a settings module importing the scheduler inside a function is caught, an
    import of a lower room is not, and an entry point may start the CLI."""
    probe = tmp_path / "bot" / "settings" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from bot.schedule.plan import parse_plan\n    from bot.system import clock\n")
    assert upward(probe, tmp_path) == [
        "bot/settings/probe.py:2 (settings) imports bot.schedule.plan.parse_plan (schedule)"
    ]
    entry = tmp_path / "bot" / "schedule" / "windowless.py"
    entry.parent.mkdir(parents=True)
    entry.write_text("from bot.cli import main\n")
    assert upward(entry, tmp_path) == []
