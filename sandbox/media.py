"""Small helpers for media: image dimensions, MIME types and sample files for user uploads."""

from __future__ import annotations

import mimetypes
import struct
import zlib

# JPEG start-of-frame markers carry the dimensions; C4/C8/CC are other segments.
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/JPEG/GIF/WEBP/BMP image, None when it is not one.

    Telegram rejects a "photo" it cannot decode, so the sandbox does the same.
    """
    size: tuple[int, int] | None = None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        size = (int(width), int(height))
    elif data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        size = (int(width), int(height))
    elif data.startswith(b"\xff\xd8"):
        size = _jpeg_size(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        size = _webp_size(data)
    elif data[:2] == b"BM" and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        size = (abs(int(width)), abs(int(height)))
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return size


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte before a marker
            index += 1
            continue
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        (segment_length,) = struct.unpack(">H", data[index + 2 : index + 4])
        index += 2 + int(segment_length)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def guess_mime(file_name: str | None, content_type: str | None) -> str:
    """aiohttp labels every upload application/octet-stream, so the name is more telling."""
    guessed = mimetypes.guess_type(file_name or "")[0]
    if guessed:
        return guessed
    if content_type and content_type != "application/octet-stream":
        return content_type
    return "application/octet-stream"


def make_png(
    width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (90, 160, 220)
) -> bytes:
    """A valid solid-colour PNG, used when a sandbox user sends a photo without data."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# Placeholder payloads for user-sent voice notes and stickers: bots under test only
# look at the message type, but getFile/download must still return some bytes.
SAMPLE_VOICE = b"OggS\x00\x02" + b"\x00" * 58
SAMPLE_STICKER = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x1f\xc0\x07\x00" + b"\x00" * 8
