"""The composition root wires parts that exist; nothing in it refers forward to the app."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.app


def test_the_composition_root_has_no_lambda() -> None:
    tree = ast.parse(Path(bot.app.__file__).read_text())
    lambdas = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Lambda)]
    assert lambdas == [], f"bot/app.py has lambdas at lines {lambdas}"
