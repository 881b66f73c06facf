"""Keeps the sender under Telegram's limits: about 30 messages/s overall, 1/s per chat.

Scheduled slots: every `acquire(chat_id)` reserves the earliest moment that is at least
1/rate from every other reserved send and at least `per_chat_interval` after the previous
send to the same chat, then sleeps until then. Sends are therefore evenly spaced (no
bursts), and a chat that must wait does not hold up the others: later callers fill the
free slots before it (fair without head-of-line blocking). If the event loop was busy
and sleepers wake late, the first goes and the others keep their turn but wait for the
spacing from that real send: a stall shifts the schedule instead of making a burst.
"""

from __future__ import annotations

import asyncio
import bisect

from scheduler.clock import Clock

__all__ = ["RateLimitPaused", "RateLimiter"]

EPS = 1e-9  # float slack when comparing spacings computed by different additions


class RateLimitPaused(Exception):
    """A pause began (or was on) while waiting, and the caller asked to give up then."""


class RateLimiter:
    def __init__(
        self,
        clock: Clock,
        *,
        rate: float = 25.0,
        per_chat_interval: float = 1.0,
        timer_slack: float = 0.002,
    ) -> None:
        """`timer_slack`: how late a wake-up may be and still count as on time (timer
        jitter rather than a busy event loop); sends may come that much closer together."""
        if rate <= 0 or per_chat_interval < 0:
            raise ValueError("rate must be positive and per_chat_interval not negative")
        self._clock = clock
        self.rate = rate
        self.per_chat_interval = per_chat_interval
        self._interval = 1.0 / rate
        self._timer_slack = timer_slack
        self._slots: list[float] = []  # reserved send times, sorted; old ones pruned
        self._chat_next: dict[int, float] = {}  # earliest next send per chat
        self._chat_prune_at = 1024
        self._paused_until = float("-inf")
        self._pauses = 0
        # Actual grant times: the last word on spacing when a sleeper wakes late.
        self._last_grant = float("-inf")
        self._chat_last_grant: dict[int, float] = {}
        self._pause_signal: asyncio.Future[None] | None = None

    def paused_for(self) -> float:
        """Seconds left of the current pause (0.0 when none)."""
        return max(0.0, self._paused_until - self._clock.monotonic())

    def pause_all(self, seconds: float) -> None:
        """Nobody sends for `seconds` (Telegram's RetryAfter applies to the whole bot).

        Reservations not yet due are void: their holders wake now and either take a new
        slot after the pause or, with `abandon_on_pause`, give up.
        """
        now = self._clock.monotonic()
        self._paused_until = max(self._paused_until, now + seconds)
        self._pauses += 1
        del self._slots[bisect.bisect_right(self._slots, now) :]
        if self._pause_signal is not None and not self._pause_signal.done():
            self._pause_signal.set_result(None)
        self._pause_signal = None

    async def acquire(self, chat_id: int, *, abandon_on_pause: bool = False) -> None:
        """Return when a message may be sent to `chat_id` now."""
        while True:
            now = self._clock.monotonic()
            if abandon_on_pause and self._paused_until > now:
                raise RateLimitPaused
            previous_chat_next = self._chat_next.get(chat_id)
            generation = self._pauses
            slot = self._reserve(chat_id, now)
            try:
                if await self._wait_for_turn(chat_id, slot):
                    return
            except asyncio.CancelledError:
                self._unreserve(chat_id, slot, previous_chat_next, generation)
                raise
            # A pause voided the slot.
            self._unreserve(chat_id, slot, previous_chat_next, generation)
            if abandon_on_pause:
                raise RateLimitPaused

    async def _wait_for_turn(self, chat_id: int, slot: float) -> bool:
        """Sleep until `slot` and take it; False if a pause began meanwhile."""
        target = slot
        while True:
            now = self._clock.monotonic()
            if target > now:
                if not await self._sleep_unless_paused(target - now):
                    return False
                now = self._clock.monotonic()
            # Timer jitter counts as on time. A real delay (the event loop was busy) makes
            # the send happen now, and whoever comes next keeps their turn but waits for
            # the spacing from it, so a stall shifts the schedule instead of making a burst.
            at = target if now - target <= self._timer_slack else now
            wait = max(
                self._last_grant + self._interval - at,
                self._chat_last_grant.get(chat_id, float("-inf")) + self.per_chat_interval - at,
            )
            if wait <= EPS:
                self._grant(chat_id, slot, at)
                return True
            target = at + wait

    def _grant(self, chat_id: int, slot: float, at: float) -> None:
        self._last_grant = at
        self._chat_last_grant[chat_id] = at
        if at > slot:  # late: spacing counts from the real send time
            index = bisect.bisect_left(self._slots, slot)
            if index < len(self._slots) and self._slots[index] == slot:
                del self._slots[index]
            bisect.insort(self._slots, at)
            self._chat_next[chat_id] = max(
                self._chat_next.get(chat_id, at), at + self.per_chat_interval
            )

    def _reserve(self, chat_id: int, now: float) -> float:
        self._prune(now)
        earliest = max(
            now,
            self._paused_until,
            self._chat_next.get(chat_id, now),
            # What was actually sent wins over reservations rolled back since.
            self._last_grant + self._interval,
            self._chat_last_grant.get(chat_id, float("-inf")) + self.per_chat_interval,
        )
        slot = self._first_free_slot(earliest)
        bisect.insort(self._slots, slot)
        self._chat_next[chat_id] = slot + self.per_chat_interval
        return slot

    def _first_free_slot(self, earliest: float) -> float:
        # Slots before `earliest - interval` cannot conflict; walk the rest in order and
        # stop at the first gap wide enough.
        index = bisect.bisect_left(self._slots, earliest - self._interval)
        candidate = earliest
        for taken in self._slots[index:]:
            if taken - candidate >= self._interval:
                break
            candidate = max(candidate, taken + self._interval)
        return candidate

    async def _sleep_unless_paused(self, seconds: float) -> bool:
        """True after sleeping `seconds`; False as soon as a pause begins."""
        if self._pause_signal is None:
            self._pause_signal = asyncio.get_running_loop().create_future()
        signal = self._pause_signal
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        try:
            await asyncio.wait((sleeper, signal), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
        return not signal.done()

    def _unreserve(
        self, chat_id: int, slot: float, previous_chat_next: float | None, generation: int
    ) -> None:
        """Give back a slot that will not be used (a pause voided it, or the caller left)."""
        # After a pause the same time may have been reserved again by someone else (the
        # pause already dropped our future slot), so only remove it if no pause happened.
        index = bisect.bisect_left(self._slots, slot)
        if generation == self._pauses and index < len(self._slots) and self._slots[index] == slot:
            del self._slots[index]
        # Only roll the chat back if no later reservation for it moved the mark since.
        if self._chat_next.get(chat_id) == slot + self.per_chat_interval:
            if previous_chat_next is None:
                del self._chat_next[chat_id]
            else:
                self._chat_next[chat_id] = previous_chat_next

    def _prune(self, now: float) -> None:
        # Only the latest past slot matters for spacing; chats idle for a while are forgotten.
        keep_from = bisect.bisect_left(self._slots, now - self._interval)
        if keep_from:
            del self._slots[:keep_from]
        if len(self._chat_next) >= self._chat_prune_at:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            horizon = now - self.per_chat_interval
            self._chat_last_grant = {c: t for c, t in self._chat_last_grant.items() if t > horizon}
            self._chat_prune_at = max(1024, 2 * len(self._chat_next))
