"""Webhook delivery with Telegram's semantics: one POST at a time per bot, in order, with
the secret token header, retried with a growing delay until the URL answers 2xx.

Telegram's delays are seconds to minutes; the sandbox's are short (tests wait on them), and
a test may set `WebhookDelivery.retry` to shorter ones still.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

from sandbox.errors import bad_request

if TYPE_CHECKING:
    from sandbox.updates import UpdateQueue

__all__ = [
    "SECRET_HEADER",
    "RetryPolicy",
    "WebhookDelivery",
    "check_secret_token",
    "check_webhook_url",
]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 40  # Telegram's default; the sandbox reports it but sends one at a time
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Telegram insists on HTTPS; the sandbox also takes plain http to this machine.
_URL = re.compile(r"^(https://[^\s/]+|http://(127\.0\.0\.1|localhost)(:\d+)?)(/\S*)?$")


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: float = 0.2  # seconds after the first failure
    factor: float = 2.0
    max_delay: float = 2.0
    timeout: float = 10.0  # seconds the URL has to answer one update

    def delay(self, failures: int) -> float:
        return float(min(self.first_delay * self.factor ** max(failures - 1, 0), self.max_delay))


def check_webhook_url(url: str) -> None:
    if not _URL.match(url):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")


def check_secret_token(secret: str) -> None:
    if not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")


class WebhookDelivery:
    """A bot's webhook: its settings, the delivery task while a URL is set, its last error."""

    def __init__(self, queue: UpdateQueue) -> None:
        self._queue = queue
        self.url = ""
        self.secret_token: str | None = None
        self.retry = RetryPolicy()
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return bool(self.url)

    async def set(self, url: str, secret_token: str | None) -> None:
        if url != self.url:
            self.last_error_date = self.last_error_message = None
        self.url, self.secret_token = url, secret_token
        await self.stop()
        self._start()

    async def delete(self) -> None:
        self.url, self.secret_token = "", None
        self.last_error_date = self.last_error_message = None
        await self.stop()

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": self._queue.pending,
        }
        if self.url:
            info["max_connections"] = MAX_CONNECTIONS
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        if self._queue.allowed_updates:
            info["allowed_updates"] = self._queue.allowed_updates
        return info

    def close(self) -> None:
        """Stops delivering at once (server shutdown); `stop` awaits the task's end."""
        if self._task is not None:
            self._task.cancel()

    def reopen(self) -> None:
        if self.url and (self._task is None or self._task.done()):
            self._start()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _start(self) -> None:
        if self.url:
            self._task = asyncio.create_task(self._deliver(self.url, self.secret_token))

    async def _deliver(self, url: str, secret_token: str | None) -> None:
        headers = {"Content-Type": "application/json"}
        if secret_token:
            headers[SECRET_HEADER] = secret_token
        failures = 0
        timeout = aiohttp.ClientTimeout(total=self.retry.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while (update := await self._queue.head()) is not None:
                error = await _post(session, url, headers, update)
                if error is None:
                    failures = 0
                    self._queue.drop(update["update_id"])
                    continue
                failures += 1
                self.last_error_date, self.last_error_message = int(time.time()), error
                await asyncio.sleep(self.retry.delay(failures))


async def _post(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], update: dict[str, Any]
) -> str | None:
    """None when the URL took the update, else Telegram's wording of what went wrong."""
    body = json.dumps(update, ensure_ascii=False).encode()
    try:
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as resp:
            if 200 <= resp.status < 300:
                return None
            return f"Wrong response from the webhook: {resp.status} {resp.reason or ''}".rstrip()
    except TimeoutError:
        return "Read timeout expired"
    except aiohttp.ClientConnectorError:
        return "Connection refused"
    except aiohttp.ClientError as exc:
        return f"Connection error: {type(exc).__name__}"
