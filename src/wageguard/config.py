"""The one typed Settings object: the only reader of the environment (prefix ``WAGEGUARD_``).

Every setting is documented in docs/settings.md; a test checks that.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from datetime import time
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from wageguard.timezones import EXAMPLES_EN, canonical_zone

# Development-only keys: refused outside ``environment=development``/``test``.
DEV_DATA_KEY = base64.urlsafe_b64encode(b"wageguard-dev-data-key-32-bytes!").decode()
DEV_INDEX_KEY = base64.urlsafe_b64encode(b"wageguard-dev-index-key-32bytes!").decode()
DEV_SESSION_SECRET = "wageguard-dev-session-secret"
# Production refuses secrets weaker than these (see ``production_secret_problems``).
SESSION_SECRET_MIN_CHARS = 32
MIN_DISTINCT_SECRET_CHARS = 10
MIN_DISTINCT_KEY_BYTES = 16


class Settings(BaseSettings):
    """Configuration of one WageGuard process."""

    model_config = SettingsConfigDict(
        env_prefix="WAGEGUARD_", env_file="var/wageguard.env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/wageguard.db"
    data_key: str = Field(default=DEV_DATA_KEY, description="base64 32-byte AES-GCM key for personal data")
    index_key: str = Field(default=DEV_INDEX_KEY, description="base64 key for blind-index HMAC")
    session_secret: str = DEV_SESSION_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    default_pay_day: int = Field(default=15, ge=1, le=31)
    default_grace_days: int = Field(default=4, ge=0, le=60)
    import_batch_rows: int = Field(default=5000, ge=100)
    import_max_bytes: int = Field(default=1 << 30, ge=1024)
    import_max_rows: int = Field(default=3_000_000, ge=1)
    import_max_field_chars: int = Field(default=32_768, ge=256, le=131_072)
    import_max_json_depth: int = Field(default=32, ge=4, le=500)
    import_max_xml_depth: int = Field(default=32, ge=8, le=500)
    import_max_xlsx_unzipped_bytes: int = Field(default=512 << 20, ge=1 << 20)
    import_max_xlsx_ratio: int = Field(default=200, ge=10)
    api_page_size_max: int = Field(default=500, ge=10)
    upload_max_bytes: int = Field(default=200_000_000, ge=1024)
    var_dir: Path = Path("var")
    locale_default: Literal["zh", "en"] = "zh"
    timezone: str = "Asia/Shanghai"
    attendance_timezone: str = "Asia/Shanghai"
    attendance_day_boundary: time = time(4, 0)
    attendance_future_minutes: int = Field(default=10, ge=0)
    attendance_past_days: int = Field(default=400, ge=1)
    attendance_batch_max: int = Field(default=20_000, ge=100)
    device_silent_hours: int = Field(default=24, ge=1)
    public_base_url: str = "http://127.0.0.1:8000"
    complaint_accept_working_days: int = Field(default=5, ge=1, le=60)
    complaint_finish_working_days: int = Field(default=60, ge=1, le=365)
    complaint_extension_working_days: int = Field(default=30, ge=0, le=365)
    complaint_due_soon_working_days: int = Field(default=2, ge=0, le=30)
    complaint_rate_per_ip_per_hour: int = Field(default=20, ge=1)
    complaint_rate_per_phone_per_day: int = Field(default=3, ge=1)
    complaint_photo_max_bytes: int = Field(default=5_000_000, ge=10_000)
    complaint_photos_max: int = Field(default=3, ge=0, le=10)
    min_wage_tiers_yuan: list[int] = Field(default_factory=lambda: [1890, 1760, 1660])
    min_wage_default_tier: int = Field(default=2, ge=1, le=9)
    monitor_lookback_months: int = Field(default=3, ge=1, le=24)
    monitor_evidence_rows: int = Field(default=50, ge=1, le=1000)
    monitor_scheduler_enabled: bool = True
    monitor_daily_hour: int = Field(default=2, ge=0, le=23)
    # An import-triggered run re-evaluates only the projects the fact journal names, up to this many (more:
    # a full run, which is then cheaper).
    monitor_incremental_max_projects: int = Field(default=500, ge=0)
    smtp_url: str = ""
    smtp_from: str = "wageguard@localhost"
    notify_email_to: str = ""
    # Logins, sessions and the shared counters (login throttles, complaint rate limits).
    login_failure_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    login_free_failures: int = Field(default=3, ge=0)
    login_max_failures: int = Field(default=10, ge=1)
    login_ip_free_failures: int = Field(default=20, ge=0)
    login_ip_max_failures: int = Field(default=100, ge=1)
    login_delay_max_seconds: int = Field(default=60, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    password_min_length: int = Field(default=10, ge=8, le=128)
    session_idle_minutes: int = Field(default=60, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    redis_url: str = ""
    redis_key_prefix: str = "wageguard:"
    # The command screen (大屏).
    screen_map_dir: Path | None = None
    screen_map_approval: str = ""
    screen_rotate_seconds: int = Field(default=15, ge=5, le=600)
    screen_live_seconds: int = Field(default=600, ge=0, le=86_400)
    # Enterprise risk: where ``risk train`` writes model files and ``risk score`` takes the newest.
    risk_model_dir: Path | None = None
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies_list(cls, value: object) -> object:
        """``10.0.0.0/8, 192.0.2.1`` or a JSON list; each entry must be an IP address or network."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else [p for p in text.split(",") if p.strip()]
        if isinstance(value, list):
            for entry in value:
                try:
                    ipaddress.ip_network(str(entry).strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(f"trusted_proxies: {entry!r} is not an IP address or network") from exc
            return [str(entry).strip() for entry in value]
        return value

    @field_validator("attendance_timezone", "timezone")
    @classmethod
    def _zone_or_offset(cls, value: str) -> str:
        """An IANA zone or a UTC offset (``+08:00``, ``+0800``, ``UTC+8``), kept in canonical form."""
        try:
            return canonical_zone(value)
        except ValueError as exc:
            raise ValueError(f"time zone: {exc} ({EXAMPLES_EN})") from exc

    @field_validator("data_key", "index_key")
    @classmethod
    def _key_is_32_bytes(cls, value: str) -> str:
        try:
            raw = base64.urlsafe_b64decode(value.encode())
        except ValueError as exc:  # binascii.Error subclasses ValueError
            raise ValueError("key must be url-safe base64") from exc
        if len(raw) != 32:
            raise ValueError("key must decode to 32 bytes")
        return value

    @model_validator(mode="after")
    def _no_dev_secrets_in_production(self) -> Settings:
        if self.environment == "production":
            dev = {DEV_DATA_KEY, DEV_INDEX_KEY, DEV_SESSION_SECRET}
            for name in ("data_key", "index_key", "session_secret"):
                if getattr(self, name) in dev:
                    raise ValueError(f"{name} still has the development placeholder")
            if problems := production_secret_problems(self):
                raise ValueError("; ".join(problems))
        return self

    @property
    def data_key_bytes(self) -> bytes:
        return base64.urlsafe_b64decode(self.data_key.encode())

    @property
    def index_key_bytes(self) -> bytes:
        return base64.urlsafe_b64decode(self.index_key.encode())

    @property
    def risk_models(self) -> Path:
        """The folder of the learned risk model's files (``risk_model_dir``, default ``var/models``)."""
        return Path(self.risk_model_dir) if self.risk_model_dir is not None else Path(self.var_dir) / "models"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def weak_key_reason(raw: bytes) -> str | None:
    """Why a key looks made by hand rather than drawn at random (``None`` when it looks random): a random
    32-byte key has about 30 distinct byte values and no pattern, so these tests never refuse one."""
    if len(set(raw)) < MIN_DISTINCT_KEY_BYTES:
        return f"has only {len(set(raw))} distinct byte values (all-zero, repeated or typed by hand)"
    if any(raw[period:] == raw[:-period] for period in range(1, len(raw) // 2 + 1)):
        return "repeats a shorter pattern"
    if len({(b - a) % 256 for a, b in pairwise(raw)}) < MIN_DISTINCT_KEY_BYTES // 2:
        return "is a counting sequence"
    return None


def production_secret_problems(settings: Settings) -> list[str]:
    """What makes these secrets unfit for production (empty when they are fit)."""
    problems = []
    secret = settings.session_secret
    if len(secret) < SESSION_SECRET_MIN_CHARS:
        problems.append(
            f"session_secret must have at least {SESSION_SECRET_MIN_CHARS} characters in production "
            f"(it has {len(secret)})"
        )
    elif len(set(secret)) < MIN_DISTINCT_SECRET_CHARS:
        problems.append("session_secret is low-entropy (too few distinct characters)")
    if settings.data_key_bytes == settings.index_key_bytes:
        problems.append("data_key and index_key must differ in production (index_key equals data_key)")
    for name, raw in (("data_key", settings.data_key_bytes), ("index_key", settings.index_key_bytes)):
        if (reason := weak_key_reason(raw)) is not None:
            problems.append(f"{name} is too weak for production: it {reason}")
    return problems


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
