"""Commands return exit codes by name (`ExitCode.OK`…), never as bare integers: the table in
`bot/exit_codes.py` stays the one place that says what each number means."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.commands

COMMANDS = Path(bot.commands.__file__).parent


def test_no_command_returns_a_bare_integer():
    bare = []
    for path in sorted(COMMANDS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and type(node.value.value) is int:
                bare.append(f"{path.name}:{node.lineno} return {node.value.value}")
    assert list(COMMANDS.glob("*.py")) and not bare, bare
