"""A test client that reads like a user's session: send text, press buttons, read replies.

Updates go through the real Dispatcher (`feed_update`), replies are what the recording
session captured.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from aiogram import Bot, Dispatcher
from aiogram.types import CallbackQuery, Chat, Message, MessageEntity, Sticker, Update, User

from tests.recording import RecordingSession

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


@dataclass
class ChatUser:
    dp: Dispatcher
    bot: Bot
    user: User
    seen: int = 0
    replies: list[Message] = field(default_factory=list)
    room: Chat | None = None  # a group or channel to write in; None = the private chat

    @property
    def session(self) -> RecordingSession:
        return self.bot.session  # type: ignore[return-value]

    @property
    def chat(self) -> Chat:
        return self.room or Chat(id=self.user.id, type="private", first_name=self.user.first_name)

    def in_chat(self, room: Chat) -> ChatUser:
        """The same user writing in another chat (a group, a supergroup)."""
        return replace(self, room=room, replies=[])

    async def send(self, text: str) -> list[Message]:
        entities = None
        if text.startswith("/"):
            command = text.split()[0]
            entities = [MessageEntity(type="bot_command", offset=0, length=len(command))]
        message = Message(
            message_id=next(_message_ids),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            text=text,
            entities=entities,
        )
        return await self._feed(Update(update_id=next(_update_ids), message=message))

    async def send_sticker(self) -> list[Message]:
        sticker = Sticker(
            file_id="s1",
            file_unique_id="s1",
            type="regular",
            width=1,
            height=1,
            is_animated=False,
            is_video=False,
        )
        message = Message(
            message_id=next(_message_ids),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            sticker=sticker,
        )
        return await self._feed(Update(update_id=next(_update_ids), message=message))

    async def press(self, message: Message, label: str) -> list[Message]:
        """Press the button with this label on the message's current keyboard."""
        current = self.session.sent[(message.chat.id, message.message_id)]
        buttons = [
            b
            for row in (current.reply_markup.inline_keyboard if current.reply_markup else [])
            for b in row
        ]
        matching = [b for b in buttons if b.text == label]
        assert matching, f"no button {label!r}; buttons: {[b.text for b in buttons]}"
        return await self.press_data(current, matching[0].callback_data or "")

    async def press_data(self, message: Message, data: str) -> list[Message]:
        """Send callback data as is: what a forged or stale button would send."""
        query = CallbackQuery(
            id=str(next(_update_ids)),
            from_user=self.user,
            chat_instance="ci",
            message=message,
            data=data,
        )
        return await self._feed(Update(update_id=next(_update_ids), callback_query=query))

    async def _feed(self, update: Update) -> list[Message]:
        before = len(self.session.sent)
        await self.dp.feed_update(self.bot, update)
        new = [m for m in list(self.session.sent.values())[before:] if m.chat.id == self.chat.id]
        self.replies.extend(new)
        return new

    def last(self) -> Message:
        return self.replies[-1]

    def callback_answers(self) -> list[dict[str, object]]:
        return self.session.of("AnswerCallbackQuery")

    # --- the Respondent protocol of tests/survey_driver.py ---------------------------------
    def keyboard_message(self, label: str) -> Message:
        """The newest message in this chat whose current keyboard has a button `label`."""
        for message in reversed(list(self.session.sent.values())):
            if message.chat.id != self.user.id or message.reply_markup is None:
                continue
            if any(b.text == label for row in message.reply_markup.inline_keyboard for b in row):
                return message
        raise AssertionError(f"no message with a button {label!r}; last: {self.last().text!r}")

    async def buttons(self) -> list[str]:
        for message in reversed(list(self.session.sent.values())):
            if message.chat.id == self.user.id and message.reply_markup is not None:
                return [b.text for row in message.reply_markup.inline_keyboard for b in row]
        return []

    async def tap(self, label: str) -> None:
        await self.press(self.keyboard_message(label), label)

    async def type(self, text: str) -> None:
        await self.send(text)
