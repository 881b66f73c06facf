"""What a training session's fields may be: pure checks, each returning the clean value or
None (the front door then says why, with the limits here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "AUDIENCES",
    "DURATION_MINUTES",
    "FILE_LIMIT_BYTES",
    "LINK_MAX",
    "MATERIALS_MAX",
    "PLACE_MAX",
    "TITLE_MAX",
    "Where",
    "parse_link",
    "parse_title",
    "parse_where",
]

TITLE_MAX = 200
PLACE_MAX = 300
LINK_MAX = 500
MATERIALS_MAX = 10
FILE_LIMIT_BYTES = 50 * 1024 * 1024  # what a Telegram bot may send and receive
DURATION_MINUTES = 90
# audience → the roles invited in each organisation of the session
AUDIENCES: dict[str, tuple[str, ...]] = {
    "mentors": ("mentor",),
    "curators": ("curator",),
    "everyone": ("mentor", "curator", "mentee"),
}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class Where:
    link: str | None = None
    place: str | None = None


def parse_title(text: str) -> str | None:
    title = " ".join(text.split())
    return title if 0 < len(title) <= TITLE_MAX else None


def parse_link(text: str) -> str | None:
    """An http(s) link with a host and no spaces, up to LINK_MAX; anything else is None."""
    link = text.strip()
    if not link or len(link) > LINK_MAX or any(c.isspace() for c in link):
        return None
    parts = urlsplit(link)
    return link if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def parse_where(text: str) -> Where | None:
    """A link (http/https only) or a place. Something that looks like a link of another
    scheme (javascript:, ftp://, tg://) is refused rather than taken for a place."""
    value = text.strip()
    if not value:
        return None
    looks_like_link = "://" in value or (
        _SCHEME.match(value) is not None and not value.split(":", 1)[1].startswith(" ")
    )
    if looks_like_link and " " not in value:
        link = parse_link(value)
        return Where(link=link) if link else None
    place = " ".join(value.split())
    return Where(place=place) if len(place) <= PLACE_MAX else None
