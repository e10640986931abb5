"""Settings: the contract names, defaults, and one clear line per bad variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import ConfigError, Settings, load_settings


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings(_env_file=None)


def test_defaults_are_the_designed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch)
    assert str(settings.slack_api_url) == "https://slack.com/api/"
    assert str(settings.bookeo_api_url) == "https://api.bookeo.com/v2"
    assert settings.business_timezone == "UTC"
    assert settings.database_url == "sqlite:///./bookeo-bot.db"
    assert settings.port == 3000
    assert settings.bot_admins == ()
    assert (settings.log_level, settings.log_format) == ("INFO", "console")
    assert settings.uses_sandbox and not settings.socket_mode


def test_every_contract_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(
        monkeypatch,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="sign",
        SLACK_APP_TOKEN="xapp-1",
        SLACK_API_URL="http://127.0.0.1:9/api/",
        BOOKEO_API_KEY="k",
        BOOKEO_SECRET_KEY="s",
        BOOKEO_API_URL="http://127.0.0.1:8081/v2",
        BUSINESS_TIMEZONE="Australia/Sydney",
        PUBLIC_URL="https://bot.example.com",
        DATABASE_URL="postgresql://u@localhost/db",
        PORT="8080",
        BOT_ADMINS="U012AB, U034CD",
        LOG_LEVEL="debug",
        LOG_FORMAT="json",
    )
    assert settings.slack_bot_token and settings.slack_bot_token.get_secret_value() == "xoxb-1"
    assert settings.socket_mode and not settings.uses_sandbox
    assert settings.timezone.key == "Australia/Sydney"
    assert settings.bot_admins == ("U012AB", "U034CD")
    assert (settings.port, settings.log_level, settings.log_format) == (8080, "DEBUG", "json")
    assert "xoxb-1" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("BUSINESS_TIMEZONE", "Mars/Olympus", "IANA"),
        ("PORT", "eighty", "integer"),
        ("PORT", "70000", "65535"),
        ("DATABASE_URL", "mysql://x", "sqlite"),
        ("PUBLIC_URL", "http://bot.example.com", "https"),
        ("PUBLIC_URL", "not a url", "URL"),
        ("SLACK_API_URL", "nope", "URL"),
        ("BOT_ADMINS", "U1,not an id", "Slack user id"),
        ("LOG_LEVEL", "LOUD", "DEBUG"),
        ("LOG_FORMAT", "xml", "console"),
        ("BOOKEO_API_KEY", "only-one-key", "BOOKEO_SECRET_KEY"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(monkeypatch, **{variable: value})
    [line] = caught.value.problems
    expected_name = "BOOKEO_SECRET_KEY" if variable == "BOOKEO_API_KEY" else variable
    assert line.startswith(f"{expected_name}:")
    assert says in line
    assert "\n" not in line


def test_secrets_are_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "x" * 3)
    monkeypatch.setenv("BOOKEO_SECRET_KEY", "TOPSECRET")
    with pytest.raises(ConfigError) as caught:
        load(monkeypatch)
    assert "TOPSECRET" not in str(caught.value)


def test_slack_is_required_only_where_it_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch)
    with pytest.raises(ConfigError) as caught:
        settings.require_slack()
    assert [p.split(":")[0] for p in caught.value.problems] == [
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
    ]
    socket_mode = load(monkeypatch, SLACK_BOT_TOKEN="xoxb", SLACK_APP_TOKEN="xapp")
    socket_mode.require_slack()  # no signing secret needed over Socket Mode


def test_blank_values_in_a_dotenv_mean_unset(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    env = tmp_path / ".env"
    env.write_text("BOOKEO_API_KEY=\nBOOKEO_SECRET_KEY=\nPORT=4000\n")
    settings = load_settings(_env_file=env)
    assert settings.uses_sandbox and settings.port == 4000


def test_the_cli_fails_at_start_with_one_line_and_no_traceback(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "config"],
        env={"PATH": "/usr/bin:/bin", "BUSINESS_TIMEZONE": "Nowhere/Land", "PORT": "-1"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "bookeo-bot: BUSINESS_TIMEZONE: 'Nowhere/Land' is not an IANA time zone name (e.g. Europe/London)",
        "bookeo-bot: PORT: Input should be greater than or equal to 1 (got '-1')",
    ]
    assert "Traceback" not in result.stderr


def test_the_readme_table_is_the_generated_one() -> None:
    from pathlib import Path

    from bot.config import configuration_table

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert configuration_table() in readme
    assert all(field.description for field in Settings.model_fields.values())


def test_postgresql_without_its_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.config

    real = bot.config.find_spec
    monkeypatch.setattr(
        bot.config, "find_spec", lambda name: None if name == "psycopg" else real(name)
    )
    with pytest.raises(ConfigError) as raised:
        load(monkeypatch, DATABASE_URL="postgresql://u@localhost/db")
    (problem,) = [p for p in raised.value.problems if "DATABASE_URL" in p]
    assert "bookeo-bot[postgres]" in problem and "\n" not in problem


def test_region_defaults_from_the_time_zone_then_us() -> None:
    def region(**values: object) -> str:
        return Settings(_env_file=None, **values).phone_region  # type: ignore[arg-type]

    assert region(business_timezone="Australia/Sydney") == "AU"
    assert region(business_timezone="Europe/London") == "GB"
    assert region(business_timezone="UTC") == "US"  # a zone of no country
    assert region(business_timezone="Australia/Sydney", region="nz") == "NZ"
    with pytest.raises(ValueError, match="two-letter country"):
        Settings(_env_file=None, region="Mars")  # type: ignore[call-arg]
