"""The Dockerfile, checked as far as this machine can (no Docker engine runs here)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [
        line.split(" ", 1)[1].strip() for line in joined.splitlines() if line.startswith(f"{name} ")
    ]


def test_every_copied_path_exists_and_is_not_ignored() -> None:
    ignored = {
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()
    }
    for copy in instructions("COPY"):
        if copy.startswith("--from="):
            continue
        *sources, _destination = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert source not in ignored, source


def test_two_pinned_stages_and_a_non_root_runtime() -> None:
    images = instructions("FROM")
    assert len(images) == 2
    for image in images:
        assert re.match(r"python:3\.\d+\.\d+-slim-\w+", image), image  # minor and patch pinned
    assert instructions("USER") == ["10001:10001"]
    assert instructions("VOLUME") == ['["/data"]']
    assert instructions("EXPOSE") == ["3000"]
    assert "/healthz" in instructions("HEALTHCHECK")[0]
    assert "--no-index" in DOCKERFILE  # the runtime installs only the wheels built from the lock
    assert "LOG_FORMAT=json" in DOCKERFILE


def test_the_entrypoint_is_the_console_script_in_exec_form() -> None:
    assert json.loads(instructions("ENTRYPOINT")[0]) == ["bookeo-bot"]
    assert json.loads(instructions("CMD")[0]) == ["serve"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["bookeo-bot"] == "bot.cli:main"
    from bot.cli import _parser

    assert _parser().parse_args(["serve"]).run.__name__ == "_run_serve"
    assert _parser().parse_args(["db", "upgrade"]).run.__name__ == "_run_db_upgrade"


def test_the_compose_example_runs_replicas_on_postgres_behind_https() -> None:
    import yaml

    from bot.config import Settings

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    bots = [name for name, service in services.items() if service.get("image") == "bookeo-bot"]
    assert len(bots) >= 2
    # Built once: two services building the same image would build it twice.
    assert [name for name in bots if "build" in services[name]] == [bots[0]]
    known = {name.upper() for name in Settings.model_fields}
    for name in bots:
        environment = services[name]["environment"]
        assert set(environment) <= known, set(environment) - known
        assert environment["DATABASE_URL"].startswith("postgresql://")
        assert "postgres" in services[name]["depends_on"]
        assert services[name]["env_file"] == ".env"
    balancer = services["balancer"]
    assert all(f"--to {name}:3000" in balancer["command"] for name in bots)
    # Slack and Bookeo only call https: Caddy serves the domain (automatic certificate).
    assert '--from "${BOT_DOMAIN' in balancer["command"]
    assert {"80:80", "443:443"} <= set(balancer["ports"])


def test_the_env_example_names_only_real_settings() -> None:
    from bot.config import Settings

    lines = (ROOT / ".env.example").read_text().splitlines()
    names = {line.split("=", 1)[0] for line in lines if "=" in line and not line.startswith("#")}
    known = {name.upper() for name in Settings.model_fields}
    assert names - known == {"BOT_DOMAIN"}  # the balancer's, not the bot's
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PUBLIC_URL"} <= names
