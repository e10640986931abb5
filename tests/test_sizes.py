"""Sizes that keep the code easy to see: no class in `bot/` over 300 lines, no function over
80. Declarative bulk is exempt by name (the sandbox's seed data, the CLI's argparse table)."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
MAX_CLASS, MAX_FUNCTION = 300, 80
EXEMPT = {
    "bot/sandbox/seed.py",  # the made-up business: data, not logic
    "bot/cli.py:_parser",  # the argparse table
}


def too_long(path: Path, source: str) -> list[str]:
    rel = path.relative_to(BOT.parent).as_posix()
    if rel in EXEMPT:
        return []
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            limit = MAX_CLASS if isinstance(node, ast.ClassDef) else MAX_FUNCTION
            if length > limit and f"{rel}:{node.name}" not in EXEMPT:
                found.append(f"{rel}:{node.lineno} {node.name} is {length} lines (> {limit})")
    return found


def test_no_class_or_function_is_too_long() -> None:
    found = [line for p in sorted(BOT.rglob("*.py")) for line in too_long(p, p.read_text())]
    assert found == []


def test_a_long_function_is_caught() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION))
    assert too_long(BOT / "x.py", f"def f():\n{body}\n") != []
    assert too_long(BOT / "x.py", "def f():\n    return 1\n") == []
