"""The portal's map: every screen and every table in one module, the engine apart from the screens."""

from __future__ import annotations

import ast
from pathlib import Path

from flows import portal_map
from flows.engine import selectors_data
from flows.engine.screen import Screen
from flows.unavailable import UnavailableScreen

FLOWS = Path(portal_map.__file__).parent


def _tables() -> dict[str, tuple]:
    return {name: value for name, value in vars(portal_map).items() if name.startswith("AFTER_")}


def test_every_table_names_screens_of_the_map():
    screens = set(portal_map.SCREENS.values())
    assert len(_tables()) >= 15
    for name, table in _tables().items():
        assert table and set(table) <= screens, name


def test_every_screen_of_the_map_reads_its_selector_file():
    for name, cls in portal_map.SCREENS.items():
        assert issubclass(cls, Screen), name
        assert selectors_data.load(cls.name).recognise, name


def test_the_unavailable_page_and_the_overlays_are_entries_of_the_map():
    assert portal_map.SCREENS["portail-indisponible"] is UnavailableScreen
    assert UnavailableScreen in portal_map.ANYWHERE.down
    assert selectors_data.load(portal_map.ANYWHERE.overlays).elements["close"]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_engine_imports_no_screen_and_the_flows_take_their_tables_from_the_map():
    screens = {f"flows.{p.stem}" for p in FLOWS.glob("*.py") if p.stem not in ("__init__", "portal_map")}
    for path in (FLOWS / "engine").glob("*.py"):
        assert not _imports(path) & screens, path.name
    for flow in ("login", "filing"):
        source = (FLOWS / f"{flow}.py").read_text(encoding="utf-8")
        assert "flows.portal_map" in _imports(FLOWS / f"{flow}.py")
        assert "\nAFTER_" not in source, flow


def test_screens_never_wait():
    """Screens recognise and act; the waiting is the engine's (`flows/engine/step.py`) or a flow's."""
    modules = {Path(__import__(cls.__module__, fromlist=["_"]).__file__) for cls in portal_map.SCREENS.values()}
    for path in modules:
        calls = {
            node.func.attr
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        imported = _imports(path)
        assert not calls & {"wait_for", "wait_for_function", "wait_for_timeout", "wait_for_selector"}, path.name
        assert not any(name.startswith("flows.engine.step") for name in imported), path.name
