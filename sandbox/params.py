"""Reading Bot API parameters the way Telegram does.

aiogram posts every value as a string (numbers as "123", booleans as "true", objects as
JSON text) in a urlencoded or multipart body; curl users may send a JSON body or a query
string instead. Uploads arrive as multipart parts, referenced as "attach://<part>".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.errors import ApiError, bad_request

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "scope",
        "commands",
        "entities",
        "caption_entities",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
        "message_ids",
    }
)
INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
        "message_thread_id",
        "reply_to_message_id",
        "user_id",
    }
)
BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_web_page_preview",
        "has_spoiler",
        "disable_content_type_detection",
        "allow_sending_without_reply",
        "show_caption_above_media",
    }
)
_JSON_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
}


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str | None
    data: bytes


class Params:
    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload]) -> None:
        self._values = dict(values)
        self._uploads = dict(uploads)

    @classmethod
    async def read(cls, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        try:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise bad_request("request body must be a JSON object")
                values.update(body)
            elif request.can_read_body:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        uploads[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        values[key] = value
        except web.HTTPRequestEntityTooLarge as exc:
            raise ApiError(413, "Request Entity Too Large") from exc
        except ValueError as exc:
            raise bad_request("can't parse request body") from exc
        return cls(values, uploads)

    def has(self, name: str) -> bool:
        return self._values.get(name) not in (None, "") or name in self._uploads

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        return None if value is None else str(value)

    def integer(self, name: str) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def chat_id(self, *, required: bool = True) -> int | None:
        value = self._values.get("chat_id")
        if value is None or value == "":
            if required:
                raise bad_request("chat_id is empty")
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            # "@username" addresses only public groups and channels: never a private chat.
            raise bad_request("chat not found") from None

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        if isinstance(value, bool):
            return value
        return str(value).lower() in {"true", "1"}

    def json(self, name: str) -> Any:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(_JSON_ERRORS.get(name, f"can't parse {name} JSON object")) from None

    def file(self, name: str) -> Upload | str | None:
        """An upload, or a file_id / URL string, or None when the parameter is absent."""
        if name in self._uploads:
            return self._uploads[name]
        value = self._values.get(name)
        if value is None or value == "":
            return None
        value = str(value)
        if value.startswith("attach://"):
            upload = self._uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return upload
        return value

    def for_log(self) -> dict[str, Any]:
        """Parameters decoded for the call log: JSON fields as objects, numbers as ints."""
        decoded: dict[str, Any] = {}
        attached: set[str] = set()
        for key, value in self._values.items():
            part = value.removeprefix("attach://") if isinstance(value, str) else None
            if part is not None and part != value and part in self._uploads:
                decoded[key] = _upload_summary(self._uploads[part])
                attached.add(part)
            else:
                decoded[key] = _decode_for_log(key, value)
        for key, upload in self._uploads.items():
            if key not in attached:
                decoded[key] = _upload_summary(upload)
        return decoded


def _upload_summary(upload: Upload) -> dict[str, Any]:
    return {"upload": upload.filename, "size": len(upload.data)}


def _decode_for_log(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if key in JSON_FIELDS:
            return json.loads(value)
        if key in INT_FIELDS or key == "chat_id":
            return int(value)
    except ValueError:
        return value
    if key in BOOL_FIELDS:
        return value.lower() in {"true", "1"}
    return value
