"""A sandbox user as seen from a test: acts in the chat and waits for the bot."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.client_models import CallbackInfo, ChatMessage, ChatView, PressResult

if TYPE_CHECKING:
    from sandbox.client import SandboxClient

MessagePredicate = Callable[[ChatMessage], bool]


class SandboxUser:
    """One sandbox user; remembers which bot messages the tests have already seen."""

    def __init__(self, client: SandboxClient, info: dict[str, Any]) -> None:
        self.client = client
        self.info = info
        self.id: int = info["id"]
        self.first_name: str = info["first_name"]
        self.last_name: str | None = info.get("last_name")
        self.username: str | None = info.get("username")
        self.language_code: str | None = info.get("language_code")
        self.seen_message_id = 0

    def __repr__(self) -> str:
        return f"SandboxUser(id={self.id}, first_name={self.first_name!r})"

    async def _post_message(self, body: dict[str, Any]) -> ChatMessage:
        payload = await self.client.request("POST", f"/users/{self.id}/messages", body)
        message = ChatMessage.from_json(payload["message"])
        # Whatever the bot sent before the user acted counts as seen.
        self.seen_message_id = max(self.seen_message_id, message.message_id)
        return message

    async def send(self, text: str) -> ChatMessage:
        return await self._post_message({"text": text})

    async def send_sticker(self, emoji: str = "👍") -> ChatMessage:
        return await self._post_message({"kind": "sticker", "emoji": emoji})

    async def send_voice(self, duration: int = 1, *, caption: str | None = None) -> ChatMessage:
        return await self._post_message({"kind": "voice", "duration": duration, "caption": caption})

    async def send_photo(
        self, data: bytes | None = None, *, caption: str | None = None, file_name: str | None = None
    ) -> ChatMessage:
        """Sends an image (a generated PNG when ``data`` is None)."""
        body: dict[str, Any] = {"kind": "photo", "caption": caption, "file_name": file_name}
        if data is not None:
            body["data_base64"] = base64.b64encode(data).decode()
        return await self._post_message(body)

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> ChatMessage:
        body = {
            "kind": "document",
            "data_base64": base64.b64encode(data).decode(),
            "file_name": file_name,
            "mime_type": mime_type,
            "caption": caption,
        }
        return await self._post_message(body)

    async def _press(self, endpoint: str, body: dict[str, Any]) -> PressResult:
        payload = await self.client.request("POST", f"/users/{self.id}/{endpoint}", body)
        result = PressResult(
            callback=CallbackInfo.from_json(payload["callback"]),
            update_id=payload["update_id"],
            last_message_id=payload["last_message_id"],
        )
        self.seen_message_id = max(self.seen_message_id, result.last_message_id)
        return result

    async def press(self, message: ChatMessage | int, button: str) -> PressResult:
        """Presses a button of the message's CURRENT keyboard by its text or callback_data.

        Raises ButtonNotFoundError when there is no such button (any more).
        """
        message_id = message.message_id if isinstance(message, ChatMessage) else message
        return await self._press("press", {"message_id": message_id, "button": button})

    async def forged_press(self, message: ChatMessage | int, data: str) -> PressResult:
        """A callback with arbitrary data, whatever the keyboard shows (stale/forged buttons)."""
        message_id = message.message_id if isinstance(message, ChatMessage) else message
        return await self._press("forged_press", {"message_id": message_id, "data": data})

    async def chat_view(self, *, files: bool = True) -> ChatView:
        query = "" if files else "?files=0"
        return ChatView.from_json(await self.client.request("GET", f"/users/{self.id}/chat{query}"))

    async def chat(self, *, files: bool = True) -> list[ChatMessage]:
        return (await self.chat_view(files=files)).messages

    async def callbacks(self) -> list[CallbackInfo]:
        return (await self.chat_view(files=False)).callbacks

    async def last_bot_message(self) -> ChatMessage | None:
        messages = (await self.chat_view()).bot_messages
        return messages[-1] if messages else None

    async def block(self) -> None:
        await self.client.block(self)

    async def unblock(self) -> None:
        await self.client.unblock(self)

    async def _with_data(self, message: ChatMessage) -> ChatMessage:
        if message.file is None or message.file.data is not None:
            return message
        data = await self.client.download(message.file.file_id)
        return dataclasses.replace(message, file=dataclasses.replace(message.file, data=data))

    async def wait_until(
        self, predicate: Callable[[ChatView], bool], *, timeout: float = 10.0
    ) -> ChatView:
        """Polls the chat (without file bytes) until ``predicate(view)`` holds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            view = await self.chat_view(files=False)
            if predicate(view):
                return view
            if asyncio.get_running_loop().time() >= deadline:
                recent = "\n  ".join(m.describe() for m in view.messages[-8:]) or "(empty chat)"
                raise AssertionError(
                    f"{self.first_name}: condition not met within {timeout}s "
                    f"(seen up to #{self.seen_message_id}); last messages:\n  {recent}"
                )
            await asyncio.sleep(self.client.poll_interval)

    async def wait_for_message(
        self, predicate: MessagePredicate | None = None, *, timeout: float = 10.0
    ) -> ChatMessage:
        """The first bot message newer than the last one seen that satisfies ``predicate``.

        It becomes the last seen message. The predicate sees file metadata only; the
        returned message carries the file bytes.
        """
        found: list[ChatMessage] = []

        def match(view: ChatView) -> bool:
            fresh = [m for m in view.bot_messages if m.message_id > self.seen_message_id]
            found[:] = [m for m in fresh if predicate is None or predicate(m)][:1]
            return bool(found)

        await self.wait_until(match, timeout=timeout)
        self.seen_message_id = found[0].message_id
        return await self._with_data(found[0])

    async def wait_for(self, predicate: MessagePredicate, *, timeout: float = 10.0) -> ChatMessage:
        """Same as :meth:`wait_for_message` with a mandatory predicate."""
        return await self.wait_for_message(predicate, timeout=timeout)

    async def wait_for_edit(
        self,
        message: ChatMessage,
        predicate: MessagePredicate | None = None,
        *,
        timeout: float = 10.0,
    ) -> ChatMessage:
        """Waits until ``message`` looks different from this snapshot (and matches)."""

        def changed(current: ChatMessage) -> bool:
            before = (message.content, message.keyboard, message.edit_date)
            after = (current.content, current.keyboard, current.edit_date)
            return after != before and (predicate is None or predicate(current))

        def match(view: ChatView) -> bool:
            current = view.message(message.message_id)
            return current is not None and changed(current)

        view = await self.wait_until(match, timeout=timeout)
        current = view.message(message.message_id)
        assert current is not None
        return await self._with_data(current)

    async def wait_for_answer(self, press: PressResult, *, timeout: float = 10.0) -> CallbackInfo:
        """Waits until the bot has answered this button press (answerCallbackQuery)."""

        def answered(view: ChatView) -> bool:
            return any(c.id == press.callback.id and c.answered for c in view.callbacks)

        view = await self.wait_until(answered, timeout=timeout)
        return next(c for c in view.callbacks if c.id == press.callback.id)
