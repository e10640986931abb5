"""The layers, as a rule that cannot rot: which parts of the bot may import which.

- `bot.bookeo` is an SDK for Bookeo: it imports nothing else of the bot.
- `bot.store` keeps what the bot remembers: it imports nothing above it.
- `bot.ops` is the bot's operations: it knows nothing of Slack.
- `bot.slack.views` are pure Block Kit builders: no I/O, and neither the store, the relay,
  the jobs nor the operations.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"


@dataclass(frozen=True)
class Rule:
    package: str  # the modules the rule applies to (a dotted prefix)
    forbidden: tuple[str, ...]  # dotted prefixes they must not import
    allowed: tuple[str, ...] = ()  # exceptions to `forbidden`, more specific


IO = ("httpx", "sqlalchemy", "aiosqlite", "asyncio", "slack_sdk.web", "slack_bolt", "bot.lookup")
RULES = (
    Rule("bot.bookeo", forbidden=("bot",), allowed=("bot.bookeo",)),
    Rule(
        "bot.store",
        forbidden=("bot",),
        allowed=("bot.store", "bot.records", "bot.permissions", "bot.clock"),
    ),
    Rule("bot.ops", forbidden=("bot.slack", "slack_sdk", "slack_bolt", "bot.app")),
    Rule(
        "bot.slack.views",
        forbidden=("bot.store", "bot.relay", "bot.jobs", "bot.ops.bookings", "bot.app", *IO),
    ),
)


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str) -> set[str]:
    """Every module `source` imports, type-only imports included, relative ones resolved."""
    found: set[str] = set()
    package = module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + (1 if _is_package(module) else 0)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _is_package(module: str) -> bool:
    return (BOT.parent / module.replace(".", "/") / "__init__.py").exists()


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(files: dict[str, str], rules: tuple[Rule, ...] = RULES) -> list[str]:
    """`module imports name` for each import that breaks a rule; `files` maps module names to
    their source."""
    found = []
    for module, source in sorted(files.items()):
        for rule in rules:
            if not _under(module, rule.package):
                continue
            for name in sorted(imports_of(source, module)):
                if any(_under(name, f) for f in rule.forbidden) and not any(
                    _under(name, a) for a in rule.allowed
                ):
                    found.append(f"{module} imports {name}")
    return found


def bot_sources() -> dict[str, str]:
    return {module_name(p, BOT): p.read_text() for p in BOT.rglob("*.py")}


def test_the_bot_keeps_its_layers() -> None:
    assert violations(bot_sources()) == []


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("bot.bookeo.resources.bookings", "from bot.store import Store"),
        ("bot.bookeo._client", "import bot.config"),
        ("bot.store.relay", "from bot.relay.delivery import Delivery"),
        ("bot.store.relay", "from ..slack import deps"),
        ("bot.ops.bookings", "from slack_sdk.models.views import View"),
        ("bot.slack.views.cards", "from bot.store import Store"),
        ("bot.slack.views.cards", "import httpx"),
        ("bot.slack.views.lists", "from ...relay import delivery"),
        ("bot.slack.views.lists", "if TYPE_CHECKING:\n    from bot.jobs import JobDeps"),
    ],
)
def test_a_wrong_way_import_is_caught(module: str, line: str) -> None:
    sources = bot_sources()
    sources[module] = sources.get(module, "") + "\n" + line + "\n"
    assert violations(sources) != []


def test_right_way_imports_pass() -> None:
    sources = {
        "bot.slack.views.cards": "from bot.bookeo.models import Booking\nfrom . import text\n",
        "bot.store.relay": "from .tables import CardRow\nfrom bot.permissions import Role\n",
        "bot.bookeo._client": "from ._retry import RetryPolicy\n",
    }
    assert violations(sources) == []
