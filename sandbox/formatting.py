"""Turn a method's text parameters into what Telegram stores: plain text plus entities.

Telegram parses ``parse_mode=HTML`` server-side, trims surrounding whitespace and
auto-detects commands, mentions, hashtags and links; the bot gets the result back
in the Message object. Doing the same here lets a bot (or a test) see exactly what
a user would, and surfaces real bugs such as unsupported or unbalanced tags.
MarkdownV2/Markdown are accepted but kept verbatim (no entities).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from sandbox.errors import ApiError, bad_request

Entity = dict[str, Any]

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_MARKDOWN_MODES = {"markdown", "markdownv2"}
# Auto-detected entities never overlap these: Telegram leaves code and links alone.
_BLOCKING_TYPES = {
    "code",
    "pre",
    "text_link",
    "text_mention",
    "url",
    "email",
    "mention",
    "bot_command",
    "hashtag",
    "custom_emoji",
}
_AUTO_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("url", re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'»]")),
    ("bot_command", re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
]


def utf16_len(text: str) -> int:
    """Entity offsets and lengths are counted in UTF-16 code units, as Telegram does."""
    return len(text.encode("utf-16-le")) // 2


class _EntityParseError(Exception):
    pass


class _TelegramHTML(HTMLParser):
    """Parser for the HTML subset documented at core.telegram.org/bots/api#html-style."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.parts: list[str] = []
        self.length = 0
        self.stack: list[tuple[str, Entity | None]] = []
        self.entities: list[Entity] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self._source[:index].encode())

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        known, entity = self._entity_for(tag, {k: v or "" for k, v in attrs})
        if not known:
            raise _EntityParseError(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
            )
        if entity is not None:
            entity["offset"] = self.length
        self.stack.append((tag, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise _EntityParseError(
            f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
        )

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise _EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        open_tag, entity = self.stack.pop()
        if open_tag != tag:
            raise _EntityParseError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
        if entity is not None and self.length > entity["offset"]:
            entity["length"] = self.length - entity["offset"]
            self.entities.append(entity)

    def _entity_for(self, tag: str, attrs: dict[str, str]) -> tuple[bool, Entity | None]:
        """Returns (tag is supported, entity to open or None when the tag adds none)."""
        if tag == "code" and self.stack and self.stack[-1][0] == "pre":
            # <pre><code class="language-x"> sets the language of the enclosing pre.
            pre = self.stack[-1][1]
            language = attrs.get("class", "").removeprefix("language-")
            if pre is not None and language:
                pre["language"] = language
            return True, None
        if tag in _SIMPLE_TAGS:
            return True, {"type": _SIMPLE_TAGS[tag]}
        if tag == "span":
            is_spoiler = attrs.get("class") == "tg-spoiler"
            return is_spoiler, {"type": "spoiler"} if is_spoiler else None
        if tag == "a":
            href = attrs.get("href")
            return True, {"type": "text_link", "url": href} if href else None
        if tag == "blockquote":
            kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
            return True, {"type": kind}
        if tag == "tg-emoji":
            return True, {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
        return False, None


def parse_html(source: str) -> tuple[str, list[Entity]]:
    parser = _TelegramHTML(source)
    try:
        parser.feed(source)
        parser.close()
        if parser.stack:
            tag = parser.stack[-1][0]
            raise _EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    except _EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), entities


def _trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram strips leading/trailing whitespace and clips entities accordingly."""
    left = text.lstrip()
    lead = utf16_len(text) - utf16_len(left)
    trimmed = left.rstrip()
    total = utf16_len(trimmed)
    clipped = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return trimmed, clipped


def _overlaps(entity: Entity, others: list[Entity]) -> bool:
    start, end = entity["offset"], entity["offset"] + entity["length"]
    return any(
        o["type"] in _BLOCKING_TYPES and o["offset"] < end and start < o["offset"] + o["length"]
        for o in others
    )


def detect_entities(text: str, existing: list[Entity] | None = None) -> list[Entity]:
    """Adds the entities Telegram recognises by itself (commands, links, mentions, tags)."""
    result = list(existing or [])
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            offset = utf16_len(text[: match.start()])
            entity = {"type": kind, "offset": offset, "length": utf16_len(match.group())}
            if not _overlaps(entity, result):
                result.append(entity)
    return sorted(result, key=lambda e: (e["offset"], -e["length"]))


def _check_entities(entities: Any) -> list[Entity]:
    valid = isinstance(entities, list) and all(
        isinstance(e, dict)
        and isinstance(e.get("offset"), int)
        and isinstance(e.get("length"), int)
        for e in entities
    )
    if not valid:
        raise bad_request("can't parse entities JSON object")
    return [dict(e) for e in entities]


def render(
    raw: str, parse_mode: str | None, explicit_entities: Any, *, limit: int, field: str
) -> tuple[str, list[Entity]]:
    """The (text, entities) Telegram would store for a text or caption parameter.

    Raises the same 400s Telegram gives for malformed markup, empty or too long text.
    """
    if explicit_entities is not None:
        text, entities = raw, _check_entities(explicit_entities)
    elif parse_mode is None or parse_mode.lower() in _MARKDOWN_MODES:
        text, entities = raw, []
    elif parse_mode.lower() == "html":
        text, entities = parse_html(raw)
    else:
        raise bad_request("unsupported parse_mode")
    text, entities = _trim(text, entities)
    if field == "text" and not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        detail = "message is too long" if field == "text" else "message caption is too long"
        raise ApiError(400, f"Bad Request: {detail}")
    return text, detect_entities(text, entities)
