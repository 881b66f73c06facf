"""The server secret that signs login links and sessions: from SECRET_KEY or data/secret_key.

The file is made once, owner-only, and never silently replaced: a new key would log every
curator out and void every link given. A damaged or too short file stops the start with one
line that says what to do.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from bot.settings import MIN_SECRET_LENGTH, Settings, SettingsError

__all__ = ["SECRET_FILE", "ensure_secret_key"]

log = logging.getLogger(__name__)

SECRET_FILE = Path("data") / "secret_key"
_REMEDY = "restore it from a backup, or delete it to make a new one (everyone must log in again)"


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"file {path}: cannot read it ({exc.strerror})") from None
    try:
        value = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        value = "\0"  # not text: damaged
    if not value.isprintable() or any(char.isspace() for char in value):
        raise SettingsError(f"file {path}: damaged (not one line of plain text); {_REMEDY}")
    if len(value) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"file {path}: the key is too short ({len(value)} characters, at least "
            f"{MIN_SECRET_LENGTH}); {_REMEDY}"
        )
    return value


def _create(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Owner-only from the first byte, and whole or absent: written aside, then renamed.
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(32) + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(draft, path)
    log.info("secret_key.generated path=%s", path)


def ensure_secret_key(settings: Settings, path: Path = SECRET_FILE) -> Settings:
    """Settings with a secret: the configured one, else the one kept in `path` (made once),
    so that sessions and links survive a restart. Raises `SettingsError` for a bad file."""
    if settings.secret_key is not None:
        return settings
    if not path.exists():
        _create(path)
    return settings.model_copy(update={"secret_key": SecretStr(_read(path))})
