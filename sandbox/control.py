"""The JSON control API under /_sandbox/: users act, tests inspect and inject faults."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import quote

from aiohttp import web

from sandbox import user_actions
from sandbox.errors import ControlError
from sandbox.state import BotState, Chat, Fault, SandboxState, UserRecord
from sandbox.views import (
    CONTROL_PREFIX,
    bot_view,
    callback_view,
    chat_view,
    commands_view,
    fault_view,
    message_view,
)

STATE_KEY = web.AppKey("sandbox_state", SandboxState)
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
_PRESS_KEYS = {"text": ("text",), "data": ("callback_data",), "button": ("text", "callback_data")}

routes = web.RouteTableDef()


def _state(request: web.Request) -> SandboxState:
    return request.app[STATE_KEY]


def _bot(request: web.Request) -> BotState:
    """The bot addressed by ?bot_id=, or the default one (the first token that connected)."""
    state = _state(request)
    raw = request.query.get("bot_id")
    if raw is None:
        return state.default_bot
    bot = state.bots.get(int(raw)) if raw.isdigit() else None
    if bot is None:
        raise ControlError(404, "bot_not_found", f"no bot with id {raw} has connected")
    return bot


def _user(request: web.Request) -> UserRecord:
    raw = request.match_info["user_id"]
    user = _state(request).users.get(int(raw)) if raw.isdigit() else None
    if user is None:
        raise ControlError(404, "user_not_found", f"no sandbox user {raw}")
    return user


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise ControlError(400, "bad_json", "request body must be JSON") from None
    if not isinstance(body, dict):
        raise ControlError(400, "bad_json", "request body must be a JSON object")
    return body


def _optional_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ControlError(400, "bad_field", f"{key} must be a string")
    return value or None


def _int_field(body: dict[str, Any], key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ControlError(400, "bad_field", f"{key} must be an integer")
    return value


@web.middleware
async def control_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except ControlError as exc:
        return web.json_response(exc.payload(), status=exc.status)
    return response


@routes.get(f"{CONTROL_PREFIX}/bots")
async def list_bots(request: web.Request) -> web.Response:
    state = _state(request)
    return web.json_response(
        {"default": bot_view(state.default_bot), "bots": [bot_view(b) for b in state.all_bots()]}
    )


@routes.post(f"{CONTROL_PREFIX}/users")
async def create_user(request: web.Request) -> web.Response:
    body = await _body(request)
    first_name = _optional_str(body, "first_name")
    if not first_name:
        raise ControlError(400, "bad_field", "first_name is required")
    username = _optional_str(body, "username")
    if username is not None and not _USERNAME.match(username):
        raise ControlError(400, "bad_field", "username must be 5-32 letters, digits or _")
    language = body.get("language_code", "ru")  # an explicit null means none
    user = _state(request).add_user(
        first_name,
        last_name=_optional_str(body, "last_name"),
        username=username,
        language_code=language if isinstance(language, str) and language else None,
    )
    return web.json_response(user.telegram(), status=201)


@routes.get(f"{CONTROL_PREFIX}/users")
async def list_users(request: web.Request) -> web.Response:
    users = [user.telegram() for user in _state(request).users.values()]
    return web.json_response({"users": users})


@routes.get(f"{CONTROL_PREFIX}/users/{{user_id}}")
async def get_user(request: web.Request) -> web.Response:
    return web.json_response(_user(request).telegram())


def _media_options(body: dict[str, Any]) -> dict[str, Any]:
    keys = ("file_name", "mime_type", "emoji", "caption")
    options: dict[str, Any] = {key: _optional_str(body, key) for key in keys}
    if body.get("duration") is not None:
        options["duration"] = _int_field(body, "duration")
    if body.get("data_base64"):
        try:
            options["data"] = base64.b64decode(body["data_base64"], validate=True)
        except (binascii.Error, TypeError):
            raise ControlError(400, "bad_field", "data_base64 is not valid base64") from None
    return options


@routes.post(f"{CONTROL_PREFIX}/users/{{user_id}}/messages")
async def user_message(request: web.Request) -> web.Response:
    body, user, bot = await _body(request), _user(request), _bot(request)
    if "kind" in body and body["kind"] != "text":
        kind = str(body["kind"])
        delivery = user_actions.send_media(_state(request), bot, user, kind, _media_options(body))
    else:
        delivery = user_actions.send_text(bot, user, _optional_str(body, "text") or "")
    assert delivery.message is not None
    return web.json_response(
        {
            "update_id": delivery.update_id,
            "message": message_view(delivery.message, include_files=False),
        },
        status=201,
    )


def _press_response(delivery: user_actions.Delivery) -> web.Response:
    assert delivery.callback is not None
    return web.json_response(
        {
            "update_id": delivery.update_id,
            "callback": callback_view(delivery.callback),
            "last_message_id": delivery.chat.last_message_id,
        },
        status=201,
    )


@routes.post(f"{CONTROL_PREFIX}/users/{{user_id}}/press")
async def user_press(request: web.Request) -> web.Response:
    body, user, bot = await _body(request), _user(request), _bot(request)
    message_id = _int_field(body, "message_id")
    given = [key for key in _PRESS_KEYS if isinstance(body.get(key), str)]
    if len(given) != 1:
        raise ControlError(400, "bad_field", "give exactly one of text, data or button")
    key = given[0]
    delivery = user_actions.press(bot, user, message_id, body[key], _PRESS_KEYS[key])
    return _press_response(delivery)


@routes.post(f"{CONTROL_PREFIX}/users/{{user_id}}/forged_press")
async def user_forged_press(request: web.Request) -> web.Response:
    body, user, bot = await _body(request), _user(request), _bot(request)
    data = body.get("data")
    if not isinstance(data, str):
        raise ControlError(400, "bad_field", "data must be a string")
    delivery = user_actions.forged_press(bot, user, _int_field(body, "message_id"), data)
    return _press_response(delivery)


@routes.get(f"{CONTROL_PREFIX}/users/{{user_id}}/chat")
async def user_chat(request: web.Request) -> web.Response:
    user, bot = _user(request), _bot(request)
    chat = bot.chats.get(user.id) or Chat(user=user)  # a never-opened chat is just empty
    include_files = request.query.get("files", "1") not in {"0", "false", "no"}
    return web.json_response(chat_view(bot, chat, include_files=include_files))


async def _set_blocked(request: web.Request, *, blocked: bool) -> web.Response:
    user, bot = _user(request), _bot(request)
    update_id = user_actions.set_blocked(bot, user, blocked=blocked)
    return web.json_response({"blocked": blocked, "update_id": update_id})


@routes.post(f"{CONTROL_PREFIX}/users/{{user_id}}/block")
async def user_block(request: web.Request) -> web.Response:
    return await _set_blocked(request, blocked=True)


@routes.post(f"{CONTROL_PREFIX}/users/{{user_id}}/unblock")
async def user_unblock(request: web.Request) -> web.Response:
    return await _set_blocked(request, blocked=False)


@routes.post(f"{CONTROL_PREFIX}/faults")
async def add_fault(request: web.Request) -> web.Response:
    body = await _body(request)
    method = _optional_str(body, "method")
    status = _int_field(body, "status", 429)
    count = _int_field(body, "count", 1)
    if not method or not 400 <= status <= 599 or count < 1:
        raise ControlError(400, "bad_field", "need method, status 400-599 and count >= 1")
    retry_after = _int_field(body, "retry_after") if body.get("retry_after") is not None else None
    fault = Fault(method, status, count, retry_after, _optional_str(body, "description"))
    return web.json_response(fault_view(_state(request).faults.add(fault)), status=201)


@routes.get(f"{CONTROL_PREFIX}/faults")
async def list_faults(request: web.Request) -> web.Response:
    faults = [fault_view(fault) for fault in _state(request).faults.list()]
    return web.json_response({"faults": faults})


@routes.delete(f"{CONTROL_PREFIX}/faults")
async def clear_faults(request: web.Request) -> web.Response:
    _state(request).faults.clear()
    return web.json_response({"ok": True})


@routes.put(f"{CONTROL_PREFIX}/latency/{{method}}")
async def set_latency(request: web.Request) -> web.Response:
    body = await _body(request)
    seconds = body.get("seconds")
    if not isinstance(seconds, int | float) or not 0 <= seconds <= 30:
        raise ControlError(400, "bad_field", "need seconds between 0 and 30")
    latency = _state(request).latency
    method = request.match_info["method"].lower()
    if seconds:
        latency[method] = float(seconds)
    else:
        latency.pop(method, None)
    return web.json_response({"method": method, "seconds": float(seconds)})


@routes.get(f"{CONTROL_PREFIX}/calls")
async def list_calls(request: web.Request) -> web.Response:
    method = request.query.get("method", "").lower()
    since_raw = request.query.get("since", "0")
    since = int(since_raw) if since_raw.isdigit() else 0
    polling = request.query.get("include_polling", "0") in {"1", "true", "yes"}
    calls = [
        call
        for call in _state(request).calls
        if call["seq"] > since
        and (not method or call["method"].lower() == method)
        # getUpdates runs all the time; list it only when asked for.
        and (polling or method == "getupdates" or call["method"].lower() != "getupdates")
    ]
    return web.json_response({"calls": calls})


@routes.delete(f"{CONTROL_PREFIX}/calls")
async def clear_calls(request: web.Request) -> web.Response:
    _state(request).calls.clear()
    return web.json_response({"ok": True})


@routes.get(f"{CONTROL_PREFIX}/commands")
async def list_commands(request: web.Request) -> web.Response:
    return web.json_response({"commands": commands_view(_bot(request))})


@routes.get(f"{CONTROL_PREFIX}/files/{{file_id}}")
async def download_file(request: web.Request) -> web.Response:
    stored = _state(request).files.get(request.match_info["file_id"])
    if stored is None:
        raise ControlError(404, "file_not_found", "unknown file_id")
    name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
    return web.Response(
        body=stored.data,
        content_type=stored.mime_type or "application/octet-stream",
        # RFC 5987 form: file names are often Cyrillic, and headers must stay ASCII.
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}"},
    )


@routes.post(f"{CONTROL_PREFIX}/reset")
async def reset(request: web.Request) -> web.Response:
    _state(request).reset()
    return web.json_response({"ok": True})
