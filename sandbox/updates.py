"""A bot's pending updates with Telegram's getUpdates (long polling) semantics; while a
webhook is set, `webhook` delivers them instead (sandbox/webhooks.py)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sandbox.errors import ApiError
from sandbox.webhooks import WebhookDelivery

# Telegram's default (allowed_updates empty or never set) omits these three types.
_OPT_IN_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_POLL_TIMEOUT = 50


class UpdateQueue:
    def __init__(self) -> None:
        self._items: list[dict[str, Any]] = []
        self._next_id = 1
        self._allowed: list[str] | None = None
        self._changed = asyncio.Event()
        self._generation = 0
        self._closed = False
        self.webhook = WebhookDelivery(self)

    @property
    def pending(self) -> int:
        return len(self._items)

    @property
    def allowed_updates(self) -> list[str] | None:
        return self._allowed

    def allow(self, allowed_updates: list[str] | None) -> None:
        """Sets the types to queue from now on (None keeps the current setting)."""
        if allowed_updates is not None:
            self._allowed = list(allowed_updates)

    def accepts(self, update_type: str) -> bool:
        if not self._allowed:
            return update_type not in _OPT_IN_TYPES
        return update_type in self._allowed

    def push(self, update_type: str, payload: dict[str, Any]) -> int | None:
        """Queues an update; returns its id, or None when allowed_updates filters it out.

        Telegram filters at creation time: updates made before a getUpdates call that
        changes allowed_updates are delivered under the old setting.
        """
        if not self.accepts(update_type):
            return None
        update_id = self._next_id
        self._next_id += 1
        self._items.append({"update_id": update_id, update_type: payload})
        self._wake()
        return update_id

    def clear(self) -> None:
        self._items.clear()

    def close(self) -> None:
        """Releases every long-polling request at once (used on server shutdown)."""
        self._closed = True
        self._wake()
        self.webhook.close()

    def reopen(self) -> None:
        self._closed = False
        self.webhook.reopen()

    async def head(self) -> dict[str, Any] | None:
        """The oldest pending update, waiting for one; None once the queue is closed."""
        while not self._items:
            if self._closed:
                return None
            await self._changed.wait()
        return self._items[0]

    def drop(self, update_id: int) -> None:
        """A webhook delivery succeeded: forget the update (getUpdates' offset, one by one)."""
        self._items = [u for u in self._items if u["update_id"] != update_id]

    def _wake(self) -> None:
        # Swapping the event lets each waiter sleep on the event it saw when it checked.
        self._changed.set()
        self._changed = asyncio.Event()

    def _confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset > 0:
            self._items = [u for u in self._items if u["update_id"] >= offset]
        else:
            # Negative offset: keep only the last -offset updates, forget the rest.
            self._items = self._items[offset:]

    async def get(
        self,
        *,
        offset: int | None,
        limit: int | None,
        timeout: int | None,
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any]]:
        self.allow(allowed_updates)
        # A newer getUpdates terminates an older one with 409, as Telegram does.
        self._generation += 1
        generation = self._generation
        self._wake()
        self._confirm(offset)
        count = min(max(limit or 100, 1), 100)
        deadline = time.monotonic() + min(max(timeout or 0, 0), MAX_POLL_TIMEOUT)
        while True:
            if generation != self._generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self._items:
                return self._items[:count]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closed:
                return []
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return []
