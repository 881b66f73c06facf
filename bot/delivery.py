"""Pure pieces of delivering one outbox row: render its payload, judge an error, back off."""

from __future__ import annotations

import random
from enum import StrEnum
from typing import Any

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import ValidationError

from bot.long_messages import split_text
from bot.notices import message_kwargs
from mentoring.notices import Notice

__all__ = [
    "UNAUTHORIZED_PAUSE",
    "Verdict",
    "backoff_delay",
    "describe",
    "judge",
    "pause_seconds",
    "render",
    "render_parts",
]

# A wrong token is the operator's to fix, not the rows' fault: wait, don't burn attempts.
UNAUTHORIZED_PAUSE = 60.0


class Verdict(StrEnum):
    PAUSE = "pause"  # the whole sender waits (RetryAfter, bad token); no attempt counted
    BLOCKED = "blocked"  # the person blocked the bot or is gone
    PERMANENT = "permanent"  # the same message would fail the same way again
    TRANSIENT = "transient"  # server, network, timeout, anything unknown: retry later


# Checked in order: TelegramEntityTooLarge is a TelegramNetworkError, yet permanent.
_PERMANENT = (
    TelegramBadRequest,
    TelegramNotFound,
    TelegramEntityTooLarge,
    TelegramMigrateToChat,
    ValidationError,  # aiogram refused the arguments before sending
)


def judge(exc: BaseException) -> Verdict:
    if isinstance(exc, TelegramRetryAfter | TelegramUnauthorizedError):
        return Verdict.PAUSE
    if isinstance(exc, TelegramForbiddenError):
        return Verdict.BLOCKED
    if isinstance(exc, _PERMANENT):
        return Verdict.PERMANENT
    return Verdict.TRANSIENT


def pause_seconds(exc: BaseException) -> float:
    return float(exc.retry_after) if isinstance(exc, TelegramRetryAfter) else UNAUTHORIZED_PAUSE


def describe(exc: BaseException) -> str:
    """For last_error and logs: Telegram's description names the problem, never the
    message or the person; other exceptions' texts might quote the message, so only
    their class is kept."""
    if isinstance(exc, TelegramAPIError):
        return f"{type(exc).__name__}: {exc.message}"
    return type(exc).__name__


def backoff_delay(attempts: int, *, base: float, cap: float, rng: random.Random) -> float:
    """base × 2^attempts, capped, with "equal jitter": between half and all of it.

    The jitter keeps rows that failed together (Telegram down for a minute) from coming
    back in one burst; the half that is kept makes the backoff real.
    """
    delay = min(cap, base * 2.0 ** min(attempts, 62))
    return delay / 2 + rng.uniform(0, delay / 2)


def render(payload: dict[str, Any]) -> dict[str, Any]:
    """send_message arguments from an outbox payload: a notice (`Notice.to_payload`), or a
    row written before notices existed ({"text", "buttons": [[{"text", "callback_data" |
    "url"}]], "parse_mode"}), which is sent as it was planned. Raises KeyError, TypeError or
    ValueError (pydantic) for a payload that cannot be sent.
    """
    if "actions" in payload:
        return message_kwargs(Notice.from_payload(payload))
    markup = None
    if payload.get("buttons"):
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(**button) for button in row] for row in payload["buttons"]
            ]
        )
    return {
        "text": payload["text"],
        "parse_mode": payload.get("parse_mode", "HTML"),
        "reply_markup": markup,
    }


def render_parts(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """`render`, with a text too long for one message split into several (Telegram's 4,096
    characters, measured after HTML parsing): send_message arguments per part, the buttons
    under the last. The same payload always gives the same parts, so a row resumed after a
    crash can skip the parts already sent."""
    whole = render(payload)
    if not isinstance(whole["text"], str):
        raise TypeError("the payload's text is not a string")
    parse_mode = whole["parse_mode"]
    parts = split_text(whole["text"], html=str(parse_mode).upper() == "HTML")
    return [
        {**whole, "text": part, "reply_markup": whole["reply_markup"] if last else None}
        for last, part in ((n == len(parts), part) for n, part in enumerate(parts, start=1))
    ]
