"""In-memory world of the sandbox: users, bots, chats, messages, files, faults, call log.

Everything runs in one event loop, so plain objects without locks are enough.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import ApiError
from sandbox.updates import UpdateQueue

Entity = dict[str, Any]

DEFAULT_BOT_USERNAME = "mentor_sandbox_bot"
DEFAULT_BOT_FIRST_NAME = "Mentor Sandbox"
_FIRST_USER_ID = 700_000_001  # looks like a real user id, far from any bot id in tests
_FILE_ID_PREFIX = {"photo": "AgAC", "document": "BQAC", "sticker": "CAAC", "voice": "AwAC"}
_FILE_DIRECTORY = {"photo": "photos", "document": "documents", "sticker": "stickers"}
_FILE_EXTENSION = {"photo": "jpg", "sticker": "webp", "voice": "oga"}


def now() -> int:
    return int(time.time())


@dataclass
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"

    def telegram(self) -> dict[str, Any]:
        """The Telegram User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data

    def private_chat(self) -> dict[str, Any]:
        """The Telegram Chat object of the private chat with this user."""
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # photo | document | sticker | voice
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    emoji: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class StoredMessage:
    message_id: int
    from_bot: bool
    date: int
    kind: str = "text"  # text | photo | document | sticker | voice
    text: str | None = None
    caption: str | None = None
    entities: list[Entity] = field(default_factory=list)  # of the text, or of the caption
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None  # inline keyboards only, as Telegram echoes
    file: StoredFile | None = None
    edit_date: int | None = None
    reply_to_message_id: int | None = None


@dataclass
class CallbackRecord:
    id: str
    user_id: int
    message_id: int
    data: str
    forged: bool
    date: int
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class Chat:
    """A private chat between one bot and one user."""

    user: UserRecord
    started: bool = False  # the user has written to the bot, so the bot may write back
    blocked: bool = False
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    callbacks: list[CallbackRecord] = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None
    last_action: dict[str, Any] | None = None
    menu_button: dict[str, Any] | None = None

    def add(self, *, from_bot: bool, **fields: Any) -> StoredMessage:
        message = StoredMessage(
            message_id=self.next_message_id, from_bot=from_bot, date=now(), **fields
        )
        self.next_message_id += 1
        self.messages[message.message_id] = message
        return message

    @property
    def last_message_id(self) -> int:
        return self.next_message_id - 1


class BotState:
    """Everything one bot token sees. ``id`` is None until the first token binds it."""

    def __init__(self, bot_id: int | None, username: str, first_name: str) -> None:
        self.id = bot_id
        self.username = username
        self.first_name = first_name
        self.chats: dict[int, Chat] = {}
        self.updates = UpdateQueue()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], dict[str, Any]] = {}
        self.default_menu_button: dict[str, Any] | None = None

    def user_json(self) -> dict[str, Any]:
        return {
            "id": self.id or 0,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def chat_with(self, user: UserRecord) -> Chat:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(user=user)
        return chat

    def reset(self) -> None:
        # The queue object survives so that a bot already long-polling keeps working.
        self.chats.clear()
        self.updates.clear()
        self.callbacks.clear()
        self.commands.clear()
        self.default_menu_button = None


@dataclass
class Fault:
    method: str
    status: int
    remaining: int
    retry_after: int | None = None
    description: str | None = None

    def error(self) -> ApiError:
        if self.status == 429:
            retry_after = self.retry_after if self.retry_after is not None else 1
            description = self.description or f"Too Many Requests: retry after {retry_after}"
            return ApiError(429, description, retry_after=retry_after)
        default = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        return ApiError(self.status, self.description or default.get(self.status, "Error"))


class FaultBook:
    """Planned failures, consumed in the order they were injected, per method."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self._faults.append(fault)
        return fault

    def take(self, method: str) -> ApiError | None:
        for fault in self._faults:
            if fault.method.lower() == method.lower() and fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault.error()
        return None

    def list(self) -> list[Fault]:
        return list(self._faults)

    def clear(self) -> None:
        self._faults.clear()


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count()

    def add(self, kind: str, data: bytes, **fields: Any) -> StoredFile:
        number = next(self._counter)
        extension = _FILE_EXTENSION.get(kind) or _extension_of(fields.get("file_name"))
        stored = StoredFile(
            file_id=_FILE_ID_PREFIX[kind] + secrets.token_urlsafe(30),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            kind=kind,
            data=data,
            file_path=f"{_FILE_DIRECTORY.get(kind, kind)}/file_{number}{extension}",
            **fields,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)


def _extension_of(file_name: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1]
    return ""


class SandboxState:
    def __init__(
        self, bot_username: str = DEFAULT_BOT_USERNAME, bot_first_name: str = DEFAULT_BOT_FIRST_NAME
    ) -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.users: dict[int, UserRecord] = {}
        self._user_ids = itertools.count(_FIRST_USER_ID)
        # Users may write before the bot first connects; their updates wait in this
        # unbound bot, which the first token to call the API adopts.
        self.default_bot = BotState(None, bot_username, bot_first_name)
        self.bots: dict[int, BotState] = {}
        self.files = FileStore()
        self.faults = FaultBook()
        # Seconds a method takes before its effect (a slow network to Telegram), by method.
        self.latency: dict[str, float] = {}
        self.calls: deque[dict[str, Any]] = deque(maxlen=10_000)
        self._call_seq = itertools.count(1)

    def bot_for_token(self, bot_id: int) -> BotState:
        bot = self.bots.get(bot_id)
        if bot is None:
            if self.default_bot.id is None:
                bot = self.default_bot
                bot.id = bot_id
            else:
                bot = BotState(bot_id, self.bot_username, self.bot_first_name)
            self.bots[bot_id] = bot
        return bot

    def add_user(self, first_name: str, **fields: Any) -> UserRecord:
        user = UserRecord(id=next(self._user_ids), first_name=first_name, **fields)
        self.users[user.id] = user
        return user

    def record_call(self, entry: dict[str, Any]) -> None:
        self.calls.append({"seq": next(self._call_seq), **entry})

    def all_bots(self) -> list[BotState]:
        bots = list(self.bots.values())
        return bots if self.default_bot in bots else [self.default_bot, *bots]

    def reset(self) -> None:
        self.users.clear()
        self.faults.clear()
        self.calls.clear()
        for bot in self.all_bots():
            bot.reset()

    def close(self) -> None:
        for bot in self.all_bots():
            bot.updates.close()

    def reopen(self) -> None:
        for bot in self.all_bots():
            bot.updates.reopen()
