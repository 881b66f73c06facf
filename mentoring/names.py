"""Validation of a person's full name (ФИО) as typed in a chat or a CSV."""

from __future__ import annotations

import re

__all__ = ["normalise_full_name"]

_NAME = re.compile(r"[^\W\d_]+(?:[-\s][^\W\d_]+)*")


def normalise_full_name(text: str) -> str | None:
    """The name with whitespace collapsed, or None unless it is 2–100 letters/spaces/hyphens."""
    name = " ".join(text.split())
    if not 2 <= len(name) <= 100 or not _NAME.fullmatch(name):
        return None
    return name
