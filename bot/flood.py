"""Per-user flood limit and the cooldown of heavy buttons, in one outer middleware.

Each Telegram user has a token bucket: `rate` updates a second on average and `burst` at
once (5 and 8 by default: more than a person taps, less than a script or a stuck key).
Above it the bot says once that it is busy and drops the rest; the notice is given again
only after the bucket has filled up, that is after a pause of burst/rate seconds. Heavy
buttons (charts and the XLSX report, made by the stats worker) have a per-user cooldown on
top, answered with an alert on the button. Both read an injected clock, so tests move time
by hand. State is per process and bounded: idle users are pruned.

A message written well before it is handled (the inbox replaying what arrived while the bot
was down) is a backlog, not a flood: it passes and takes no token, so nothing a person wrote
during an outage is dropped as "too many messages".
"""

from __future__ import annotations

import enum
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot, F
from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, TelegramObject, Update, User

from bot.callbacks import StatsCallback
from i18n import Texts
from scheduler.clock import Clock

__all__ = ["HEAVY_BUTTONS", "Cooldown", "FloodLimit", "FloodMiddleware", "Verdict"]

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# Buttons whose work is heavy, by the name their cooldown is kept under.
HEAVY_BUTTONS: Mapping[str, Filter] = {
    "charts": StatsCallback.filter(F.action == "charts"),
    "xlsx": StatsCallback.filter(F.action == "xlsx"),
}
MAX_TRACKED = 10_000  # users kept before idle ones are pruned
BACKLOG_AGE = timedelta(seconds=10)  # a message older than this when handled is a replay


class Verdict(enum.Enum):
    PASS = "pass"
    WARN = "warn"  # the first update over the limit: say once that the bot is busy
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class FloodLimit:
    """The token buckets; `rate` 0 turns the limit off."""

    def __init__(self, clock: Clock, rate: float = 5.0, burst: int = 8) -> None:
        self.clock = clock
        self.rate = rate
        self.burst = float(burst)
        self._buckets: dict[int, _Bucket] = {}

    def take(self, user_id: int) -> Verdict:
        if self.rate <= 0:
            return Verdict.PASS
        now = self.clock.monotonic()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            self._prune(now)
            bucket = self._buckets[user_id] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= self.burst:
            bucket.warned = False  # the rate has fallen: a new flood gets a new notice
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.PASS
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _prune(self, now: float) -> None:
        if len(self._buckets) < MAX_TRACKED:
            return
        full = self.burst / self.rate
        for user_id in [u for u, b in self._buckets.items() if now - b.at >= full]:
            del self._buckets[user_id]


class Cooldown:
    """Seconds between two presses of one heavy button by one user; 0 turns it off."""

    def __init__(self, clock: Clock, seconds: float = 10.0) -> None:
        self.clock = clock
        self.seconds = seconds
        self._last: dict[tuple[int, str], float] = {}

    def start(self, user_id: int, kind: str) -> float:
        """0 when the work may start now (and the cooldown runs from now), else the wait."""
        now = self.clock.monotonic()
        last = self._last.get((user_id, kind))
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        if len(self._last) >= MAX_TRACKED:
            self._last = {k: v for k, v in self._last.items() if now - v < self.seconds}
        self._last[(user_id, kind)] = now
        return 0.0


class FloodMiddleware(BaseMiddleware):
    """An outer middleware on updates, after the person's texts are known (`t`)."""

    def __init__(
        self, limit: FloodLimit, cooldown: Cooldown, heavy: Mapping[str, Filter] = HEAVY_BUTTONS
    ) -> None:
        self.limit = limit
        self.cooldown = cooldown
        self.heavy = heavy

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or not isinstance(event, Update) or self._is_backlog(event):
            return await handler(event, data)
        verdict = self.limit.take(user.id)
        if verdict is Verdict.WARN:
            await self._say_busy(event, data["bot"], data["t"])
        elif verdict is Verdict.DROP and event.callback_query is not None:
            # A dropped press is still answered, silently: else its button spins for seconds.
            await data["bot"].answer_callback_query(event.callback_query.id)
        if verdict is not Verdict.PASS:
            return None
        query = event.callback_query
        kind = await self._heavy_kind(query) if query is not None else None
        if query is not None and kind is not None:
            wait = self.cooldown.start(user.id, kind)
            if wait > 0:
                text = data["t"]("flood.cooldown", seconds=math.ceil(wait))
                await data["bot"].answer_callback_query(query.id, text=text, show_alert=True)
                return None
        return await handler(event, data)

    def _is_backlog(self, update: Update) -> bool:
        message = update.message
        return message is not None and self.limit.clock.now() - message.date > BACKLOG_AGE

    async def _heavy_kind(self, query: CallbackQuery) -> str | None:
        for kind, matches in self.heavy.items():
            if await matches(query):
                return kind
        return None

    @staticmethod
    async def _say_busy(update: Update, bot: Bot, t: Texts) -> None:
        if update.callback_query is not None:
            await bot.answer_callback_query(update.callback_query.id, text=t("flood.busy"))
        elif update.message is not None and update.message.chat.type == ChatType.PRIVATE:
            await bot.send_message(update.message.chat.id, t("flood.busy"))
