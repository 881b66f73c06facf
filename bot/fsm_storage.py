"""aiogram's FSM storage on our database (storage/conversations.py): a conversation's state
and data survive a restart, so a questionnaire or a registration resumes where it stopped."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from functools import partial
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)

from storage import conversations
from storage.db import Database

__all__ = ["SQLStorage"]


class SQLStorage(BaseStorage):
    """Write-through: every change is committed before the call returns (by group commit, with
    whatever else is being written); reads are served from memory once read. Which keys have
    a conversation at all is read once, before the first call is served, so that a chat with
    none (most chats, most of the time) costs no read of its own.

    The cache is right because one process owns a SQLite database (DESIGN §2). On a shared
    database (PostgreSQL with replicas) a user's next update may reach another replica, so
    nothing is cached there: every get reads the row (one indexed read; see README,
    Deployment). The state and the data are cached apart, so that setting one needs no read
    of the other.
    """

    def __init__(self, db: Database, key_builder: KeyBuilder | None = None) -> None:
        self.db = db
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._states: dict[str, str | None] = {}
        self._data: dict[str, str] = {}  # JSON: every read hands out a fresh copy
        self._open: set[str] | None = None  # keys that may have a state or data stored
        self._opening = asyncio.Lock()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        built = await self._key(key)
        write = partial(conversations.write_state, key=built, user_id=key.user_id, state=value)
        await self.db.write(write)
        if self.db.shared:
            return
        self._states[built] = value
        if value is not None:
            self._opened(built)

    async def get_state(self, key: StorageKey) -> str | None:
        built = await self._key(key)
        if self.db.shared:
            return (await self._read(built)).state
        if built not in self._states:
            await self._load(built)
        return self._states.get(built)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        built = await self._key(key)
        encoded = json.dumps(data, ensure_ascii=False)
        write = partial(conversations.write_data, key=built, user_id=key.user_id, data=data)
        await self.db.write(write)
        if self.db.shared:
            return
        self._data[built] = encoded
        if data:
            self._opened(built)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        built = await self._key(key)
        if self.db.shared:
            return dict((await self._read(built)).data)
        if built not in self._data:
            await self._load(built)
        return json.loads(self._data.get(built, conversations.EMPTY_DATA))  # type: ignore[no-any-return]

    async def close(self) -> None:
        # The database belongs to the application, which disposes of it at shutdown.
        return None

    def forget_user(self, user_id: int) -> None:
        """Drop cached conversations of a user whose rows `conversations.forget_user` deleted."""
        marker = f":{user_id}:"
        for cache in (self._states, self._data):
            for key in [k for k in cache if marker in k]:
                del cache[key]
        if self._open is not None:
            self._open.difference_update([k for k in self._open if marker in k])

    async def _read(self, built: str) -> conversations.Conversation:
        async with self.db.connect() as conn:
            return await conversations.read(conn, built)

    async def _key(self, key: StorageKey) -> str:
        if self.db.shared:
            return self.key_builder.build(key)
        if self._open is None:
            async with self._opening:
                if self._open is None:
                    async with self.db.connect() as conn:
                        self._open = await conversations.open_keys(conn)
        return self.key_builder.build(key)

    def _opened(self, built: str) -> None:
        assert self._open is not None  # every call began with `_key`
        self._open.add(built)

    async def _load(self, built: str) -> None:
        assert self._open is not None
        if built not in self._open:
            return  # nothing stored: nothing to cache either
        async with self.db.connect() as conn:
            stored = await conversations.read(conn, built)
        # What was set while this read was on its way is newer than what it found.
        self._states.setdefault(built, stored.state)
        self._data.setdefault(built, json.dumps(stored.data, ensure_ascii=False))
