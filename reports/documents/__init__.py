"""The school's paperwork as Word documents (.docx, editable in Word and LibreOffice):
the order on pairs (`order`), thank-you letters (`letters`), the analytical note (`note`)
the quarter's best practices (`practices`) and the selected cases (`cases`).

Each takes the plain data of `reports.documents.data` and a template (the default shipped
in `templates/`, or one an organisation uploaded) and returns the document's bytes; the
domain layer (`mentoring.documents`) gathers the data. Nothing is imported here, so that
importing the data classes loads neither docxtpl nor matplotlib.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["KINDS", "MAX_TEMPLATE_BYTES", "TEMPLATES_DIR", "default_template"]

KINDS = ("order", "letters", "note", "practices", "cases")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024  # a letterhead with a logo fits; a stray video does not
TEMPLATES_DIR = Path(__file__).parent / "templates"


@cache
def default_template(kind: str) -> bytes:
    """The template shipped with the product (reports/documents/templates/<kind>.docx)."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    return (TEMPLATES_DIR / f"{kind}.docx").read_bytes()
