"""Exceptions shared by the Bot API emulation and the control API."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Telegram Bot API error; rendered exactly like Telegram's JSON error body."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's "Bad Request: ..." prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


class ControlError(Exception):
    """An error of the /_sandbox/ control API (misuse by a test or the browser page).

    ``code`` is a stable machine-readable string; the client maps it back to exceptions.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def payload(self) -> dict[str, Any]:
        return {"ok": False, "code": self.code, "error": self.message}
