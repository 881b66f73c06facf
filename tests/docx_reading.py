"""Reading a made .docx back as a person would: its paragraphs, its tables' rows, its text."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject


def opened(content: bytes) -> DocumentObject:
    return Document(io.BytesIO(content))


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in opened(content).paragraphs if p.text.strip()]


def rows(content: bytes, table: int) -> list[list[str]]:
    found = opened(content).tables[table]
    return [[cell.text for cell in row.cells] for row in found.rows]


def all_text(content: bytes) -> str:
    """Paragraphs and every table cell, a line each: what the reader sees on paper."""
    document = opened(content)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)
