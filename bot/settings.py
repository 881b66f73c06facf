"""Settings from the environment and `.env` (pydantic-settings).

Every setting is listed with a comment in `.env.example`. A bad value is turned into a
`SettingsError` whose message is one line naming the setting, so the CLI can print it and
exit with status 2 instead of a traceback.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

__all__ = ["MIN_SECRET_LENGTH", "Settings", "SettingsError", "load_settings"]

MIN_SECRET_LENGTH = 16
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_base: str | None = None
    bot_username: str | None = None
    database_url: str = "sqlite+aiosqlite:///data/mentorbot.db"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    sandbox_port: int = Field(default=8081, ge=0, le=65535)
    # Public base URL for links the bot gives out (back-office login); default from WEB_HOST/PORT.
    web_base_url: str = ""
    # Signs login links and session cookies; empty = generated once and kept in data/secret_key.
    secret_key: SecretStr | None = None
    send_rate: float = Field(default=25.0, gt=0, le=30)
    send_chat_interval: float = Field(default=1.0, ge=0)
    # Seconds a claimed outbox row stays the sender's: a sender that dies leaves its rows
    # to the next one after this long (bot/outbox_dispatcher.py).
    outbox_lease: float = Field(default=60.0, ge=5, le=3600)
    # Seconds between two runs of the planning job (reminders, nudges, digests, requests):
    # how late after its moment a reminder may be queued at most.
    plan_interval: float = Field(default=60.0, ge=1, le=3600)
    quiet_hours: str = "21:00-08:00"
    digest_frequency: Literal["daily", "weekly"] = "daily"
    default_timezone: str = "Europe/Moscow"
    log_level: LogLevel = "INFO"
    # Per-user flood limit (bot/flood.py): updates a second (0 = off), the burst allowed at
    # once, and seconds between two presses of a heavy button (charts, XLSX).
    flood_rate: float = Field(default=5.0, ge=0)
    flood_burst: int = Field(default=8, ge=1)
    heavy_cooldown: float = Field(default=10.0, ge=0)
    # Webhook mode (bot/webhook.py): Telegram posts updates to this public URL, each request
    # carrying WEBHOOK_SECRET; empty = long polling.
    webhook_url: str = ""
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> frozenset[int]:
        if isinstance(value, (set, frozenset, list, tuple)):
            return frozenset(int(v) for v in value)
        text = str(value or "").strip()
        if not text:
            return frozenset()
        ids = set()
        for part in text.split(","):
            part = part.strip()
            if not re.fullmatch(r"\d{1,20}", part):
                raise ValueError(
                    f"{part!r} is not a Telegram user id (expected digits, comma-separated)"
                )
            ids.add(int(part))
        return frozenset(ids)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_window(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError(f"{value!r} is not a window like 21:00-08:00")
        return value.strip()

    @property
    def quiet_window(self) -> tuple[time, time]:
        start, end = self.quiet_hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r} (use an IANA name such as Europe/Moscow)"
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _parseable_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"cannot parse {value!r} as a database URL") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(
                f"unsupported database {url.get_backend_name()!r} (sqlite or postgresql)"
            )
        if url.get_backend_name() == "sqlite" and url.get_driver_name() != "aiosqlite":
            raise ValueError("SQLite needs the async driver: sqlite+aiosqlite:///path/to.db")
        return value

    @field_validator("telegram_api_base")
    @classmethod
    def _http_base(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"\d+:[\w-]+", value.get_secret_value()):
            raise ValueError("does not look like a token from @BotFather (digits:letters)")
        return value

    @field_validator("web_base_url")
    @classmethod
    def _web_base(cls, value: str) -> str:
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("secret_key")
    @classmethod
    def _secret_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"must be at least {MIN_SECRET_LENGTH} characters (or empty to use data/secret_key)"
            )
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_https(cls, value: str) -> str:
        if value and not re.match(
            r"^(https://[^\s/]+|http://(127\.0\.0\.1|localhost)(:\d+)?)(/\S*)?$", value
        ):
            raise ValueError(
                f"{value!r} must be an https:// URL (http:// only for 127.0.0.1 or localhost)"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_shape(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        secret = value.get_secret_value() if value is not None else ""
        if not secret:
            if info.data.get("webhook_url"):
                raise ValueError("required when WEBHOOK_URL is set (1-256 of A-Z a-z 0-9 _ -)")
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("must be 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule)")
        return value

    @model_validator(mode="after")
    def _default_web_base(self) -> Settings:
        if not self.web_base_url:
            self.web_base_url = f"http://{self.web_host}:{self.web_port}"
        return self

    @property
    def sandbox_mode(self) -> bool:
        return self.bot_token is None


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning the first validation error into a one-line `SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except UnicodeDecodeError as exc:  # only the env file is decoded
        env_file = Settings.model_config.get("env_file")
        raise SettingsError(
            f"file {env_file}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position "
            f"{exc.start}); save it in UTF-8"
        ) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        message = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"setting {name}: {message}") from None
