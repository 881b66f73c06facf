"""The sandbox HTTP server: a local stand-in for api.telegram.org plus the control API.

Bot API:   POST|GET {base}/bot{token}/{method}   (form, multipart, JSON body or query)
Files:     GET {base}/file/bot{token}/{file_path}
Control:   {base}/_sandbox/...                   (see sandbox.control)
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import time
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from sandbox import api_bot, api_messages
from sandbox.api_common import Handler, MethodContext
from sandbox.control import STATE_KEY, control_errors, routes
from sandbox.errors import ApiError
from sandbox.params import Params
from sandbox.state import DEFAULT_BOT_FIRST_NAME, DEFAULT_BOT_USERNAME, SandboxState

logger = logging.getLogger(__name__)

# Telegram method names are case-insensitive; keep the canonical spelling for the log.
METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler)
    for name, handler in {**api_bot.METHODS, **api_messages.METHODS}.items()
}
_TOKEN = re.compile(r"^(\d+):(.+)$")
_MAX_BODY = 60 * 1024 * 1024  # above Telegram's 50 MB upload limit, so 413s come from us
_dumps = functools.partial(json.dumps, ensure_ascii=False)


def _json(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status, dumps=_dumps)


async def _call_method(
    state: SandboxState, bot_id: int, name: str, handler: Handler, params: Params
) -> Any:
    bot = state.bot_for_token(bot_id)
    # Faults come first so that a failed call has no effect at all.
    fault = state.faults.take(name)
    if fault is not None:
        raise fault
    delay = state.latency.get(name.lower())
    if delay:
        await asyncio.sleep(delay)
    return await handler(MethodContext(state=state, bot=bot, params=params))


async def handle_bot_api(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    token_match = _TOKEN.match(request.match_info["token"])
    name, handler = METHODS.get(request.match_info["method"].lower(), (None, None))
    params: Params | None = None
    try:
        if token_match is None:
            raise ApiError(401, "Unauthorized")
        if name is None or handler is None:
            raise ApiError(404, "Not Found: method not found")
        params = await Params.read(request)
        result = await _call_method(state, int(token_match.group(1)), name, handler, params)
        payload, status = {"ok": True, "result": result}, 200
    except ApiError as exc:
        payload, status = exc.payload(), exc.status
    state.record_call(
        {
            "time": time.time(),
            "bot_id": int(token_match.group(1)) if token_match else None,
            "method": name or request.match_info["method"],
            "params": params.for_log() if params is not None else {},
            "status": status,
            "ok": payload["ok"],
            "description": payload.get("description"),
        }
    )
    return _json(payload, status)


async def handle_file_download(request: web.Request) -> web.Response:
    stored = request.app[STATE_KEY].files.by_path(request.match_info["path"])
    if stored is None or not _TOKEN.match(request.match_info["token"]):
        return _json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


def create_app(state: SandboxState) -> web.Application:
    """The aiohttp application; usable on its own (e.g. mounted next to other apps)."""
    app = web.Application(client_max_size=_MAX_BODY, middlewares=[control_errors])
    app[STATE_KEY] = state
    app.router.add_routes(routes)
    app.router.add_route("*", "/bot{token}/{method}", handle_bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file_download)
    return app


class SandboxServer:
    """Runs the sandbox inside the current event loop (AppRunner + TCPSite)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = DEFAULT_BOT_FIRST_NAME,
        shutdown_timeout: float = 1.0,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.state = SandboxState(bot_username=bot_username, bot_first_name=bot_first_name)
        self.app = create_app(self.state)
        self._shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("SandboxServer is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("SandboxServer is already started")
        self.state.reopen()
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=self._shutdown_timeout)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        logger.info("Telegram sandbox listening on %s", self.base_url)

    async def stop(self) -> None:
        if self._runner is None:
            return
        # Long-polling getUpdates would otherwise hold the shutdown for their timeout.
        self.state.close()
        for bot in self.state.all_bots():  # webhook deliveries end with the server
            await bot.updates.webhook.stop()
        await self._runner.cleanup()
        self._runner = None
        self._port = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
