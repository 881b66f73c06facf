"""QR codes of invite links (segno): inline SVG for the page, PNG to download and print."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup

__all__ = ["qr_png", "qr_svg"]


def qr_svg(link: str, scale: int = 3) -> Markup:
    # segno's SVG holds only the path it computed from the link: safe to inline.
    return Markup(segno.make(link, error="m").svg_inline(scale=scale, title=link))


def qr_png(link: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
