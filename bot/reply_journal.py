"""The reply journal: which updates' first request to Telegram has left the process.

An append-only file of update ids, one a line. An id is written at the last moment before
the first bytes of its update's first Bot API request reach the socket, in the same
synchronous step as that socket write (aiohttp's request-trace hooks are awaited there
and ours never suspends), so a crash can hardly fall between the two. A plain write
survives a killed process (the page cache keeps it), as a SQLite commit in WAL mode with
synchronous=NORMAL does; neither survives a power cut before the OS flushes it.
Database writes could not be here: they go through a thread and back through the event
loop, and under a burst of thirty chats a loop turn takes milliseconds.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from types import SimpleNamespace

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientSession, TraceConfig, TraceRequestChunkSentParams
from aiohttp import TraceRequestHeadersSentParams as HeadersSent

__all__ = ["ReplyJournal"]

# While an update is handled: a one-element list with its id, emptied by the first request
# (the list is shared by the tasks the handler starts, each with a copy of the context).
_turn: ContextVar[list[int] | None] = ContextVar("inbox_turn", default=None)


class ReplyJournal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._trace = TraceConfig()
        self._trace.on_request_headers_sent.append(self._on_headers)
        self._trace.on_request_chunk_sent.append(self._on_chunk)
        self._trace.freeze()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def replied(self) -> set[int]:
        """The ids written so far (by this process or by one that died)."""
        try:
            text = self.path.read_text(encoding="ascii", errors="ignore")
        except FileNotFoundError:
            return set()
        return {int(line) for line in text.split() if line.isdigit()}

    def size(self) -> int:
        return os.fstat(self._fd).st_size if self._fd is not None else 0

    def clear(self) -> None:
        """Only when every id written belongs to an update marked done in the inbox."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)

    @contextlib.contextmanager
    def turn(self, update_id: int) -> Iterator[None]:
        """Requests made inside (and in tasks started inside) belong to this update."""
        token = _turn.set([update_id])
        try:
            yield
        finally:
            _turn.reset(token)

    def middleware(self) -> BaseRequestMiddleware:
        """Install on the bot's session: hooks aiohttp's requests, or marks at the call."""
        return _JournalMiddleware(self)

    def _first_request(self) -> None:
        turn = _turn.get()
        if turn and self._fd is not None:
            os.write(self._fd, b"%d\n" % turn.pop())

    def _attach(self, client: ClientSession) -> None:
        if self._trace not in client.trace_configs:
            client.trace_configs.append(self._trace)

    async def _on_headers(self, _s: ClientSession, _c: SimpleNamespace, p: HeadersSent) -> None:
        # Headers go out with the body's first chunk; alone only when there is no body.
        length = p.headers.get("Content-Length")
        if length == "0" or (length is None and "Transfer-Encoding" not in p.headers):
            self._first_request()

    async def _on_chunk(
        self, _s: ClientSession, _c: SimpleNamespace, _p: TraceRequestChunkSentParams
    ) -> None:
        self._first_request()


class _JournalMiddleware(BaseRequestMiddleware):
    def __init__(self, journal: ReplyJournal) -> None:
        self.journal = journal

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(bot.session, AiohttpSession):
            self.journal._attach(await bot.session.create_session())
        else:  # no socket to wait for (the tests' recording session)
            self.journal._first_request()
        return await make_request(bot, method)
