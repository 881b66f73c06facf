"""Names for open vocabularies (meeting types, forms, impact items, pair statuses)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["label"]


def label(t: Callable[..., str], key: str, fallback: str) -> str:
    """The translated text of `key`, or `fallback` (the code itself) when none exists yet:
    a code added in data before its text reaches the locale files still shows."""
    try:
        return t(key)
    except KeyError:
        return fallback
