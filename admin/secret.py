"""The server secret that signs login links and sessions: from SECRET_KEY or data/secret_key."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from bot.settings import Settings

__all__ = ["SECRET_FILE", "ensure_secret_key"]

log = logging.getLogger(__name__)

SECRET_FILE = Path("data") / "secret_key"


def _read_or_create(path: Path) -> str:
    if path.exists():
        value = path.read_text(encoding="ascii").strip()
        if len(value) >= 16:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    # Owner-only from the first byte: the file is created with mode 0600.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(value + "\n")
    log.info("secret_key.generated path=%s", path)
    return value


def ensure_secret_key(settings: Settings, path: Path = SECRET_FILE) -> Settings:
    """Settings with a secret: the configured one, else the one kept in `path` (made once),
    so that sessions and links survive a restart."""
    if settings.secret_key is not None:
        return settings
    return settings.model_copy(update={"secret_key": SecretStr(_read_or_create(path))})
