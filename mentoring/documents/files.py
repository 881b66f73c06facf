"""A made document: its bytes, file name and media type, as every front door hands it on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import Texts, Translator

__all__ = ["DOCUMENT_LOCALE", "DOCX", "ZIP", "Document", "file_name", "texts"]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
DOCUMENT_LOCALE = "ru"  # the school's official papers are Russian whatever the reader's UI


@dataclass(frozen=True, slots=True)
class Document:
    file_name: str  # «Приказ № 12-о от 01.10.2026.docx»
    content: bytes
    media_type: str = DOCX
    items: int = 1  # letters: how many letters it holds
    title: str = ""  # what it is, in the document's words: «Приказ № 12-о от 01.10.2026»


def file_name(text: str, extension: str) -> str:
    """`text` made safe as a file name on any disk (no slashes, colons, quotes)."""
    clean = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text)
    return f"{' '.join(clean.split())[:120]}.{extension}"


def texts(translator: Translator) -> Texts:
    """The texts documents are written with."""
    return translator.bind(DOCUMENT_LOCALE)
