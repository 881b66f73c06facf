"""Reading an outbox row's payload as Telegram will show it: the buttons its notice renders to."""

from __future__ import annotations

from typing import Any

from bot.delivery import render


def buttons(payload: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The inline keyboard the sender would attach, as plain dicts ([] for none)."""
    markup = render(payload)["reply_markup"]
    if markup is None:
        return []
    return [
        [button.model_dump(exclude_none=True) for button in row] for row in markup.inline_keyboard
    ]
