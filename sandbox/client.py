"""Async client of the sandbox control API that reads like a user's session in tests.

Example::

    async with SandboxClient(server.base_url) as sb:
        anna = await sb.create_user("Анна")
        await anna.send("/start abc")
        msg = await anna.wait_for_message(lambda m: "Даю согласие" in m.button_texts())
        await anna.press(msg, "Даю согласие")
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import ClientSession

from sandbox.client_models import (
    ApiCall,
    BotInfo,
    CommandSet,
    FaultInfo,
)
from sandbox.client_user import SandboxUser

PREFIX = "/_sandbox"


class SandboxControlError(Exception):
    """The control API refused a request (unknown user, missing button, bad field...)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{message} [{code}, HTTP {status}]")
        self.status = status
        self.code = code
        self.message = message


class ButtonNotFoundError(SandboxControlError):
    """The pressed button is not on the message's current keyboard."""


class MessageNotFoundError(SandboxControlError):
    """No such bot message in the user's chat (never sent, or deleted)."""


_ERRORS: dict[str, type[SandboxControlError]] = {
    "button_not_found": ButtonNotFoundError,
    "message_not_found": MessageNotFoundError,
}


class SandboxClient:
    def __init__(
        self, base_url: str, *, bot_id: int | None = None, poll_interval: float = 0.05
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.poll_interval = poll_interval
        self._query = {"bot_id": str(bot_id)} if bot_id is not None else {}
        self._session: ClientSession | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> ClientSession:
        if self._session is None or self._session.closed:
            self._session = ClientSession()
        return self._session

    async def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Calls a control endpoint (path relative to /_sandbox) and returns its JSON."""
        url = f"{self.base_url}{PREFIX}{path}"
        async with self._http().request(method, url, json=body, params=self._query) as response:
            if response.content_type != "application/json":  # e.g. aiohttp's plain 404 page
                text = await response.text()
                raise SandboxControlError(response.status, "http_error", text[:200])
            payload = await response.json()
            if response.status >= 400:
                code = payload.get("code", "error")
                error = _ERRORS.get(code, SandboxControlError)
                raise error(response.status, code, payload.get("error", str(payload)))
            return payload

    async def download(self, file_id: str) -> bytes:
        url = f"{self.base_url}{PREFIX}/files/{file_id}"
        async with self._http().get(url) as response:
            response.raise_for_status()
            return await response.read()

    async def create_user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> SandboxUser:
        body = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        return SandboxUser(self, await self.request("POST", "/users", body))

    async def get_user(self, user_id: int) -> SandboxUser:
        return SandboxUser(self, await self.request("GET", f"/users/{user_id}"))

    async def users(self) -> list[SandboxUser]:
        payload = await self.request("GET", "/users")
        return [SandboxUser(self, raw) for raw in payload["users"]]

    async def inject_fault(
        self,
        method: str,
        *,
        status: int = 429,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> FaultInfo:
        """The next ``count`` calls of ``method`` fail with ``status`` before any effect."""
        body = {
            "method": method,
            "status": status,
            "count": count,
            "retry_after": retry_after,
            "description": description,
        }
        return FaultInfo.from_json(await self.request("POST", "/faults", body))

    async def set_latency(self, method: str, seconds: float) -> None:
        """Every later call of ``method`` takes ``seconds`` before its effect (0 clears it)."""
        await self.request("PUT", f"/latency/{method}", {"seconds": seconds})

    async def faults(self) -> list[FaultInfo]:
        payload = await self.request("GET", "/faults")
        return [FaultInfo.from_json(raw) for raw in payload["faults"]]

    async def clear_faults(self) -> None:
        await self.request("DELETE", "/faults")

    async def block(self, user: SandboxUser | int) -> None:
        """The user blocks the bot: every send to their chat gets 403 until unblocked."""
        user_id = user.id if isinstance(user, SandboxUser) else user
        await self.request("POST", f"/users/{user_id}/block")

    async def unblock(self, user: SandboxUser | int) -> None:
        user_id = user.id if isinstance(user, SandboxUser) else user
        await self.request("POST", f"/users/{user_id}/unblock")

    async def calls(
        self, method: str | None = None, *, since: int = 0, include_polling: bool = False
    ) -> list[ApiCall]:
        query = f"?since={since}&include_polling={int(include_polling)}"
        if method:
            query += f"&method={method}"
        payload = await self.request("GET", f"/calls{query}")
        return [ApiCall.from_json(raw) for raw in payload["calls"]]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        timeout: float = 10.0,
    ) -> ApiCall:
        """The first logged call of ``method`` (satisfying ``predicate``), polling."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            calls = await self.calls(method)
            found = [call for call in calls if predicate is None or predicate(call)]
            if found:
                return found[0]
            if asyncio.get_running_loop().time() >= deadline:
                raise AssertionError(f"no {method} call matched within {timeout}s: {calls[-5:]}")
            await asyncio.sleep(self.poll_interval)

    async def clear_calls(self) -> None:
        await self.request("DELETE", "/calls")

    async def commands(self) -> list[CommandSet]:
        payload = await self.request("GET", "/commands")
        return [CommandSet.from_json(raw) for raw in payload["commands"]]

    async def bot(self) -> BotInfo:
        payload = await self.request("GET", "/bots")
        return BotInfo.from_json(payload["default"])

    async def reset(self) -> None:
        """Forgets users, chats, pending updates, commands, faults and the call log."""
        await self.request("POST", "/reset")
