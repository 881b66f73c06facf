"""Signed tokens (HMAC-SHA256 over JSON): one-time login links, session cookies, CSRF.

Nothing here touches the database or the clock: callers pass `now`. Single use of a login
link and server-side logout are enforced by the caller, who records spent token ids.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "LOGIN_TTL",
    "SESSION_IDLE",
    "SESSION_MAX",
    "LoginToken",
    "Session",
    "csrf_ok",
    "csrf_token",
    "encode_session",
    "issue_login_token",
    "new_session",
    "read_login_token",
    "read_session",
]

LOGIN_TTL = timedelta(minutes=10)
SESSION_IDLE = timedelta(hours=8)
SESSION_MAX = timedelta(hours=24)
_MAX_TOKEN_LENGTH = 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: str, purpose: str) -> bytes:
    # One key per purpose: a session cookie can never pass for a login link or vice versa.
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def _sign(secret: str, purpose: str, payload: dict[str, Any]) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(_key(secret, purpose), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def _unsign(secret: str, purpose: str, token: str) -> dict[str, Any] | None:
    if not token or len(token) > _MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    expected = hmac.new(_key(secret, purpose), body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(mac), expected):
            return None
        payload = json.loads(_unb64(body))
    except (binascii.Error, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def _time(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if isinstance(value, int) else None


@dataclass(frozen=True, slots=True)
class LoginToken:
    token_id: str
    person_id: int
    expires_at: datetime


def issue_login_token(secret: str, person_id: int, now: datetime) -> str:
    expires = int((now + LOGIN_TTL).timestamp())
    return _sign(secret, "login", {"p": person_id, "j": secrets.token_urlsafe(12), "e": expires})


def read_login_token(secret: str, token: str, now: datetime) -> LoginToken | None:
    """The token's contents, or None when it is forged, malformed or expired."""
    payload = _unsign(secret, "login", token)
    if payload is None:
        return None
    person_id, token_id, expires_at = payload.get("p"), payload.get("j"), _time(payload.get("e"))
    if not isinstance(person_id, int) or not isinstance(token_id, str) or expires_at is None:
        return None
    return LoginToken(token_id, person_id, expires_at) if now < expires_at else None


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str
    person_id: int
    issued_at: datetime
    seen_at: datetime

    @property
    def expires_at(self) -> datetime:
        return min(self.seen_at + SESSION_IDLE, self.issued_at + SESSION_MAX)

    def touched(self, now: datetime) -> Session:
        return replace(self, seen_at=now.replace(microsecond=0))


def new_session(person_id: int, now: datetime) -> Session:
    moment = now.replace(microsecond=0)
    return Session(secrets.token_urlsafe(16), person_id, moment, moment)


def encode_session(secret: str, session: Session) -> str:
    payload = {
        "s": session.session_id,
        "p": session.person_id,
        "i": int(session.issued_at.timestamp()),
        "l": int(session.seen_at.timestamp()),
    }
    return _sign(secret, "session", payload)


def read_session(secret: str, cookie: str, now: datetime) -> Session | None:
    """The session, or None when the cookie is forged, malformed, idle too long or too old."""
    payload = _unsign(secret, "session", cookie)
    if payload is None:
        return None
    session_id, person_id = payload.get("s"), payload.get("p")
    issued_at, seen_at = _time(payload.get("i")), _time(payload.get("l"))
    if not isinstance(session_id, str) or not isinstance(person_id, int):
        return None
    if issued_at is None or seen_at is None:
        return None
    session = Session(session_id, person_id, issued_at, seen_at)
    return session if now < session.expires_at else None


def csrf_token(secret: str, session_id: str) -> str:
    return _b64(hmac.new(_key(secret, "csrf"), session_id.encode(), hashlib.sha256).digest())


def csrf_ok(secret: str, session_id: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(secret, session_id), given or "")
