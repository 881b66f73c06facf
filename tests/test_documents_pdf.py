"""A made document opens in LibreOffice: the order converts to a two-page PDF (the order and
its annex) that says what the .docx says. Without LibreOffice the test skips with the hint;
with CI=true it fails instead (`make office` installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from i18n import Translator
from reports.documents import default_template
from reports.documents.order import order_docx
from reports.documents.samples import sample_order

HINT = "LibreOffice is missing: `make office` (apt-get install libreoffice-writer-nogui)"


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(HINT, pytrace=False)
        pytest.skip(HINT)
    return found


def to_pdf(docx: Path) -> Path:
    """`soffice --headless --convert-to pdf`, with a profile of its own so that runs in
    parallel (or a desktop LibreOffice left open) do not collide."""
    profile = docx.parent / "lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return docx.with_suffix(".pdf")


def test_the_order_converts_to_pdf(tmp_path: Path, translator: Translator) -> None:
    docx = tmp_path / "order.docx"
    docx.write_bytes(order_docx(sample_order(), translator.bind("ru"), default_template("order")))
    pdf = to_pdf(docx).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/Count 2" in pdf, "the order on one page, its annex on the next"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(docx.with_suffix(".pdf")), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert "П Р И К А З" in text or "ПРИКАЗ" in text
        assert "Белова Анна" in text and "Петрова" in text and "31.05.2027" in text
