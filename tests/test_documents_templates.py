"""Templates are data: the shipped ones render their samples, an uploaded one is checked
(a Word file, within the cap, rendering the sample) and rendered in Jinja's sandbox with
every value escaped; the batch renderer reads like docxtpl itself."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from docx import Document

from i18n import Translator
from reports.documents import KINDS, default_template
from reports.documents.data import School
from reports.documents.engine import (
    MAX_TEMPLATE_BYTES,
    BatchRenderer,
    TemplateProblem,
    check_template,
    render,
)
from reports.documents.letters import letters_context
from reports.documents.order import order_docx
from reports.documents.samples import sample_context, sample_letters, sample_order
from tests.docx_reading import all_text, paragraphs


def word_file(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def problem_of(content: bytes, translator: Translator, kind: str = "order") -> str:
    with pytest.raises(TemplateProblem) as caught:
        check_template(content, sample_context(kind, translator.bind("ru")))
    return caught.value.code


@pytest.mark.parametrize("kind", KINDS)
def test_each_shipped_template_renders_its_sample(kind: str, translator: Translator) -> None:
    check_template(default_template(kind), sample_context(kind, translator.bind("ru")))


def test_a_broken_upload_is_named_for_what_is_wrong(translator: Translator) -> None:
    assert problem_of(b"%PDF-1.4 not a word file", translator) == "not_docx"
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as archive:  # an .xlsx renamed .docx
        archive.writestr("[Content_Types].xml", "<Types>spreadsheetml.sheet.main+xml</Types>")
    assert problem_of(sheet.getvalue(), translator) == "not_docx"
    assert problem_of(word_file("Приказ {% for row in rows %}"), translator) == "syntax"
    assert problem_of(word_file("{{ school.nmae }}"), translator) == "unknown_field"
    assert problem_of(word_file("{{ ''.__class__.__mro__ }}"), translator) == "forbidden"
    assert problem_of(b"PK" + b"\0" * (MAX_TEMPLATE_BYTES + 1), translator) == "too_big"
    # A clickable link written as plain text would break the paper: `{{r …}}` is needed.
    rich = word_file("{% for row in rows %}{{ row.hyperlink }}{% endfor %}")
    assert problem_of(rich, translator, "practices") == "broken"
    check_template(
        word_file("{% for row in rows %}{{r row.hyperlink }}{% endfor %}"),
        sample_context("practices", translator.bind("ru")),
    )


def test_values_are_escaped_not_read_as_markup(translator: Translator) -> None:
    order = sample_order()
    odd = replace(order, school=School("Школа «A & B» <№ 1>", head=order.school.head))
    content = order_docx(odd, translator.bind("ru"), default_template("order"))
    assert "Школа «A & B» <№ 1>" in paragraphs(content)


def test_the_batch_renderer_reads_like_docxtpl(translator: Translator) -> None:
    context = letters_context(sample_letters(), translator.bind("ru"))
    template = default_template("letters")
    batch = BatchRenderer(template)
    for letter in context["letters"]:
        one = {**context, "letters": [letter]}
        assert all_text(batch.render(one)) == all_text(render(template, one))
    assert "Кузнецову Олегу Игоревичу" in all_text(batch.render(context))
