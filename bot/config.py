"""Settings: the only place that reads the environment (and `.env`).

Variable names are a contract (DESIGN.md §2). Every problem is reported as one line naming the
variable, never as a traceback: `load_settings()` turns pydantic's errors into `ConfigError`.
"""

from __future__ import annotations

import zoneinfo
from enum import StrEnum
from importlib.util import find_spec
from typing import Annotated, Any, Literal

import babel
import phonenumbers
from babel.core import get_global
from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.money import locale_for_zone

SANDBOX_NOTICE = (
    "BOOKEO_API_KEY and BOOKEO_SECRET_KEY are not set: running on the built-in Bookeo SANDBOX "
    "(made-up data, nothing reaches a real Bookeo account)"
)


class LogFormat(StrEnum):
    CONSOLE = "console"
    JSON = "json"


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class ConfigError(Exception):
    """Configuration that cannot work; `str()` is one line per bad variable, each naming it."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class Settings(BaseSettings):
    """Every setting of the bot, read once at start-up."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        validate_default=True,
    )

    slack_bot_token: SecretStr | None = Field(
        default=None, description="the Slack app's bot token (xoxb-…)"
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, description="the Slack app's signing secret (HTTP mode)"
    )
    slack_app_token: SecretStr | None = Field(
        default=None, description="an app-level token (xapp-…): Socket Mode instead of HTTP"
    )
    slack_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://slack.com/api/"), description="base URL of Slack's Web API"
    )

    bookeo_api_key: SecretStr | None = Field(
        default=None, description="both or neither; unset runs on the built-in sandbox"
    )
    bookeo_secret_key: SecretStr | None = Field(
        default=None, description="Bookeo's application secret key (also signs webhooks)"
    )
    bookeo_api_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("https://api.bookeo.com/v2"), description="base URL of the Bookeo API"
    )

    business_timezone: str = Field(
        default="UTC", description="IANA zone of the Bookeo account: today, digests, reminders"
    )
    locale: str | None = Field(
        default=None,
        description="how the business writes amounts (a Babel locale such as en_AU or de_DE): "
        "read in the payment form and written on every card, thread line, list, summary, "
        "digest and reminder (de_DE: 1.250,00 USD); unset: the usual locale of "
        "BUSINESS_TIMEZONE's country "
        "(Australia/Sydney → en_AU, Europe/Berlin → de_DE; UTC → en_US)",
    )
    region: str | None = Field(
        default=None,
        description="two-letter country (ISO 3166) in which local phone numbers are read, "
        "so 0400 123 456 finds +61 400 123 456; unset: BUSINESS_TIMEZONE's country where "
        "the zone has one (Australia/Sydney: AU), else US",
    )
    public_url: AnyHttpUrl | None = Field(
        default=None,
        description="the bot's public https base URL (webhooks are registered "
        "under it; http://localhost is accepted for local runs)",
    )
    database_url: str = Field(
        default="sqlite:///./bookeo-bot.db",
        description="sqlite:///path or postgresql://… (the driver is picked for you)",
    )
    port: int = Field(default=3000, ge=1, le=65535, description="HTTP port")
    bot_admins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), description="comma-separated Slack user ids who start as admins"
    )
    log_level: LogLevel = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_format: LogFormat = Field(
        default=LogFormat.CONSOLE, description="console, or json for one object per line"
    )

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "bookeo_api_key",
        "bookeo_secret_key",
        "public_url",
        "locale",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        # `FOO=` in a .env file means "not set", not "set to the empty string".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("business_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone name (e.g. Europe/London)"
            ) from None
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(babel.Locale.parse(value.replace("-", "_")))
        except (babel.UnknownLocaleError, ValueError):
            raise ValueError(f"{value!r} is not a locale Babel knows (e.g. en_AU, de_DE)") from None

    @field_validator("region", mode="before")
    @classmethod
    def _known_region(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str):
            if value.strip().upper() not in phonenumbers.SUPPORTED_REGIONS:
                raise ValueError(f"{value!r} is not a two-letter country code (like AU or GB)")
            return value.strip().upper()
        return value

    @field_validator("bot_admins", mode="before")
    @classmethod
    def _split_admins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("bot_admins")
    @classmethod
    def _admin_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for user_id in value:
            if not user_id.isalnum() or not user_id[0].isalpha():
                raise ValueError(f"{user_id!r} is not a Slack user id (like U0123ABCD)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str) -> str:
        scheme = value.split("://", 1)[0].split("+", 1)[0]
        if "://" not in value or scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError(
                "must be a SQLAlchemy URL starting sqlite:/// or postgresql:// "
                f"(got {value.split('://', 1)[0]!r})"
            )
        if scheme != "sqlite" and find_spec("psycopg") is None:
            # Otherwise SQLAlchemy's 30-line traceback ends in "No module named 'psycopg'".
            raise ValueError(
                "PostgreSQL needs its driver, which a plain install leaves out: "
                "pip install 'bookeo-bot[postgres]'"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _public_https(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        local = value is not None and value.host in ("localhost", "127.0.0.1")
        if value is not None and value.scheme != "https" and not local:
            raise ValueError("must be an https:// URL (Bookeo only calls https webhooks)")
        return value

    @model_validator(mode="after")
    def _bookeo_keys_in_pairs(self) -> Settings:
        if (self.bookeo_api_key is None) != (self.bookeo_secret_key is None):
            missing = "BOOKEO_SECRET_KEY" if self.bookeo_secret_key is None else "BOOKEO_API_KEY"
            raise ValueError(
                f"{missing}: is missing; set both BOOKEO_API_KEY and BOOKEO_SECRET_KEY, "
                "or neither to use the sandbox"
            )
        return self

    @property
    def uses_sandbox(self) -> bool:
        """True when no Bookeo keys are configured and the built-in sandbox stands in."""
        return self.bookeo_api_key is None

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def business_locale(self) -> str:
        """LOCALE, or the usual locale of the business's time zone's country."""
        return self.locale or locale_for_zone(self.business_timezone)

    @property
    def phone_region(self) -> str:
        """REGION, or the country of BUSINESS_TIMEZONE (CLDR's zone territories), or US."""
        if self.region is not None:
            return self.region
        territory = get_global("zone_territories").get(self.business_timezone)
        return territory if territory and territory != "ZZ" else "US"

    @property
    def timezone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.business_timezone)

    @property
    def http_signing_secret(self) -> str | None:
        """The secret Slack's HTTP requests are signed with; None in Socket Mode, where
        Slack's HTTP route does not exist."""
        if self.socket_mode or self.slack_signing_secret is None:
            return None
        return self.slack_signing_secret.get_secret_value()

    def require_slack(self) -> None:
        """Fail with one line per missing variable unless Slack can really be reached."""
        problems = []
        if self.slack_bot_token is None:
            problems.append("SLACK_BOT_TOKEN: is missing (the bot token, xoxb-…)")
        if not self.socket_mode and self.slack_signing_secret is None:
            problems.append(
                "SLACK_SIGNING_SECRET: is missing (needed in HTTP mode; "
                "or set SLACK_APP_TOKEN for Socket Mode)"
            )
        if problems:
            raise ConfigError(problems)


def configuration_table() -> str:
    """The README's configuration table, generated from the fields above."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, tuple):
            shown = ", ".join(default) or "empty"
        elif default is None:
            shown = "unset"
        else:
            shown = f"`{getattr(default, 'value', default)}`"
        rows.append(f"| `{name.upper()}` | {shown} | {field.description} |")
    return "\n".join(rows)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment and `.env`; raise `ConfigError` if unusable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError([_describe(error) for error in exc.errors()]) from None


def _describe(error: Any) -> str:
    location = error.get("loc") or ()
    message = str(error.get("msg", "is invalid"))
    message = message.removeprefix("Value error, ")
    if location:
        variable = str(location[0]).upper()
        value = error.get("input")
        hidden = _is_secret(variable) or isinstance(value, dict) or repr(value) in message
        shown = "" if hidden else f" (got {value!r})"
        return f"{variable}: {message}{shown}"
    # A model-level rule already names its variable at the start of the message.
    return message


def _is_secret(variable: str) -> bool:
    return any(word in variable for word in ("TOKEN", "SECRET", "KEY"))
