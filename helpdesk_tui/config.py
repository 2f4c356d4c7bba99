"""Settings: a TOML file (--config, $HELPDESK_CONFIG, else the user's config folder) overridden
by environment variables. Paths come from platformdirs."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "helpdesk-tui"


def default_data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    return f"sqlite+aiosqlite:///{default_data_dir() / 'helpdesk.db'}"


def default_attachments_dir() -> Path:
    return default_data_dir() / "attachments"


def default_config_path() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


@dataclass
class Settings:
    db_url: str = ""
    lang: str = ""
    attachments_dir: Path | None = None
    attachment_limit: int = 25 * 1024 * 1024
    smtp_url: str = ""
    mail_from: str = "helpdesk@localhost"
    # Seconds between automation passes inside a running console (0: never).
    automation_interval: float = 60.0
    # The outbox (README "E-mail"): SMTP timeout, messages per batch (one connection each),
    # how long a worker holds a claimed message, back-off base and cap, attempts until dead.
    smtp_timeout: float = 30.0
    mail_batch: int = 50
    mail_lease: float = 300.0
    mail_retry_base: float = 60.0
    mail_retry_cap: float = 6 * 3600.0
    mail_max_attempts: int = 8
    views: dict[str, str] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)
    config_path: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict)


def load_settings(config_path: str | Path | None = None) -> Settings:
    path = Path(config_path or os.environ.get("HELPDESK_CONFIG") or default_config_path())
    raw: dict[str, Any] = {}
    if path.is_file():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    settings = Settings(config_path=path, raw=raw)
    settings.db_url = os.environ.get("HELPDESK_DB") or raw.get("database", "") or default_db_url()
    settings.lang = os.environ.get("HELPDESK_LANG") or raw.get("lang", "")
    folder = os.environ.get("HELPDESK_ATTACHMENTS") or raw.get("attachments", "")
    settings.attachments_dir = Path(folder).expanduser() if folder else None
    settings.attachment_limit = int(raw.get("attachment_limit", settings.attachment_limit))
    settings.smtp_url = os.environ.get("HELPDESK_SMTP") or raw.get("smtp", "")
    settings.mail_from = os.environ.get("HELPDESK_MAIL_FROM") or raw.get("mail_from", settings.mail_from)
    mail = raw.get("mail", {})
    for key in ("smtp_timeout", "mail_batch", "mail_lease", "mail_retry_base", "mail_retry_cap", "mail_max_attempts"):
        if key.removeprefix("mail_") in mail:
            setattr(settings, key, type(getattr(settings, key))(mail[key.removeprefix("mail_")]))
    settings.views = {str(k): str(v) for k, v in raw.get("views", {}).items()}
    settings.keymap = {str(k): str(v) for k, v in raw.get("keymap", {}).items()}
    interval = os.environ.get("HELPDESK_AUTOMATION_INTERVAL") or raw.get("automation_interval", 60)
    try:
        settings.automation_interval = max(0.0, float(interval))
    except (TypeError, ValueError):
        pass  # a bad value keeps the default
    return settings
