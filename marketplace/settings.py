"""Process settings, read from the environment or a `.env` file.

Nothing here is built at import time: call `load_settings()` in the composition root.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///tutorbot.db"


class Settings(BaseSettings):
    """Every setting TutorBot reads. Secrets are `SecretStr` so they never reach a log."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    discord_token: SecretStr | None = None
    discord_api_base: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg"
    dev_guild_id: int | None = None
    # Ask for the privileged Message Content intent (message screening). If the Developer
    # Portal doesn't allow it, TutorBot runs without it and says screening is off.
    discord_message_content: bool = True

    database_url: str = DEFAULT_DATABASE_URL
    # Fernet keys for the sealed columns, comma-separated, newest first. Unset on SQLite:
    # a key is made on first run into a file beside the database (`<db>.key`, owner-only).
    tutorbot_data_keys: SecretStr | None = None

    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str = "https://api.stripe.com"

    # Campus-email codes. Without SMTP_HOST and SMTP_FROM, `/verify email` says email
    # isn't set up. SMTP_SECURITY: starttls (port 587), tls (implicit, port 465) or none.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_from: str = ""
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"

    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    public_base_url: str = "http://127.0.0.1:8080"

    # The operator's server (/healthz, /readyz, /metrics) for processes without the web
    # app; off when HEALTH_PORT is unset. The web app serves /metrics only with
    # METRICS_PUBLIC=true, since its port is the public one.
    health_host: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_public: bool = False

    sweep_interval_seconds: float = Field(default=5.0, gt=0)
    log_level: str = "INFO"
    # "text" (the classic line) or "json" (one object per line, for log collectors).
    log_format: Literal["text", "json"] = "text"

    @property
    def is_sqlite(self) -> bool:
        """Whether the configured database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    @property
    def payments_configured(self) -> bool:
        """Whether a Stripe key is set; without one every guild runs in free mode."""
        return self.stripe_secret_key is not None and bool(
            self.stripe_secret_key.get_secret_value()
        )


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and `.env`; keyword overrides win."""
    return Settings(**overrides)  # type: ignore[arg-type]
