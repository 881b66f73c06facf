"""Bot API methods that create, change or delete messages in a chat."""

from __future__ import annotations

from typing import Any

from sandbox.api_common import (
    Handler,
    MethodContext,
    find_message,
    read_markup,
    reply_target,
    target_chat,
)
from sandbox.errors import bad_request
from sandbox.formatting import Entity, render
from sandbox.media import guess_mime, image_size
from sandbox.params import Upload
from sandbox.state import Chat, StoredFile, StoredMessage, now
from sandbox.telegram_objects import message_object

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _text(ctx: MethodContext) -> tuple[str, list[Entity]]:
    raw = ctx.params.text("text") or ""
    entities = ctx.params.json("entities")
    return render(raw, ctx.params.text("parse_mode"), entities, limit=MAX_TEXT, field="text")


def _caption(ctx: MethodContext) -> tuple[str | None, list[Entity]]:
    raw = ctx.params.text("caption")
    if not raw:
        return None, []
    entities = ctx.params.json("caption_entities")
    caption, parsed = render(
        raw, ctx.params.text("parse_mode"), entities, limit=MAX_CAPTION, field="caption"
    )
    return (caption or None), parsed


async def send_message(ctx: MethodContext) -> dict[str, Any]:
    chat = target_chat(ctx, sending=True)
    text, entities = _text(ctx)
    markup = read_markup(ctx.params, inline_only=False)
    reply_to = reply_target(ctx, chat)
    message = chat.add(
        from_bot=True,
        text=text,
        entities=entities,
        parse_mode=ctx.params.text("parse_mode"),
        reply_markup=markup.inline,
        reply_to_message_id=reply_to,
    )
    markup.apply_to_chat(chat)
    return message_object(ctx.bot, chat, message)


def _existing_file(ctx: MethodContext, file_id: str, kind: str) -> StoredFile:
    stored = ctx.state.files.get(file_id)
    if stored is None:
        # URLs included: the sandbox is offline and cannot fetch them as Telegram would.
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(
            f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}"
        )
    return stored


def _uploaded_file(ctx: MethodContext, upload: Upload, kind: str) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    mime_type = guess_mime(upload.filename, upload.content_type)
    if kind == "photo":
        size = image_size(upload.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return ctx.state.files.add(
            "photo",
            upload.data,
            width=size[0],
            height=size[1],
            file_name=upload.filename,
            mime_type=mime_type,
        )
    return ctx.state.files.add(kind, upload.data, file_name=upload.filename, mime_type=mime_type)


def _media_file(ctx: MethodContext, kind: str) -> StoredFile:
    source = ctx.params.file(kind)
    if source is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(source, str):
        return _existing_file(ctx, source, kind)
    return _uploaded_file(ctx, source, kind)


async def _send_media(ctx: MethodContext, kind: str) -> dict[str, Any]:
    chat = target_chat(ctx, sending=True)
    caption, entities = _caption(ctx)
    markup = read_markup(ctx.params, inline_only=False)
    reply_to = reply_target(ctx, chat)
    stored = _media_file(ctx, kind)  # last: it is the only step that stores anything
    message = chat.add(
        from_bot=True,
        kind=kind,
        file=stored,
        caption=caption,
        entities=entities,
        parse_mode=ctx.params.text("parse_mode"),
        reply_markup=markup.inline,
        reply_to_message_id=reply_to,
    )
    markup.apply_to_chat(chat)
    return message_object(ctx.bot, chat, message)


async def send_photo(ctx: MethodContext) -> dict[str, Any]:
    return await _send_media(ctx, "photo")


async def send_document(ctx: MethodContext) -> dict[str, Any]:
    return await _send_media(ctx, "document")


def _editable(ctx: MethodContext) -> tuple[Chat, StoredMessage]:
    if ctx.params.has("inline_message_id") and not ctx.params.has("chat_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not emulated
    chat = target_chat(ctx, sending=False)
    message = find_message(ctx, chat, "message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(
    ctx: MethodContext, chat: Chat, message: StoredMessage, body: dict[str, Any]
) -> dict[str, Any]:
    """One path for the three edits: `body` (text or caption with its entities, or nothing)
    and the inline keyboard, which an edit without reply_markup drops, as in Telegram.

    An edit that changes nothing is refused, as in Telegram; parse_mode alone is no change.
    """
    changes = {**body, "reply_markup": read_markup(ctx.params, inline_only=True).inline}
    if all(getattr(message, name) == value for name, value in changes.items()):
        raise bad_request(_NOT_MODIFIED)
    for name, value in changes.items():
        setattr(message, name, value)
    if body:
        message.parse_mode = ctx.params.text("parse_mode")
    message.edit_date = now()
    return message_object(ctx.bot, chat, message)


async def edit_message_text(ctx: MethodContext) -> dict[str, Any]:
    chat, message = _editable(ctx)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, entities = _text(ctx)
    return _apply_edit(ctx, chat, message, {"text": text, "entities": entities})


async def edit_message_caption(ctx: MethodContext) -> dict[str, Any]:
    chat, message = _editable(ctx)
    if message.file is None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = _caption(ctx)
    return _apply_edit(ctx, chat, message, {"caption": caption, "entities": entities})


async def edit_message_reply_markup(ctx: MethodContext) -> dict[str, Any]:
    chat, message = _editable(ctx)
    return _apply_edit(ctx, chat, message, {})


async def delete_message(ctx: MethodContext) -> bool:
    chat = target_chat(ctx, sending=False)
    message = find_message(ctx, chat, "message to delete not found")
    del chat.messages[message.message_id]
    return True


async def delete_messages(ctx: MethodContext) -> bool:
    chat = target_chat(ctx, sending=False)
    message_ids = ctx.params.json("message_ids")
    if not isinstance(message_ids, list) or not 1 <= len(message_ids) <= 100:
        raise bad_request("message identifiers are not specified")
    for message_id in message_ids:
        if isinstance(message_id, int):  # Telegram silently skips what it cannot find
            chat.messages.pop(message_id, None)
    return True


async def send_chat_action(ctx: MethodContext) -> bool:
    chat = target_chat(ctx, sending=True)
    action = ctx.params.text("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.last_action = {"action": action, "date": now()}
    return True


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "sendChatAction": send_chat_action,
}
