"""Word templates (.docx with docxtpl's Jinja placeholders) rendered in Jinja's sandbox.

A template may come from an organisation's curator, so it is data, not code: it renders in
`SandboxedEnvironment` (no attribute that starts with "_", no unsafe calls), every value is
escaped for XML, and a misspelt field is an error at upload instead of a blank in print.
This is the one module of the core that imports jinja2 (.importlinter says so): documents,
not web pages.

`render` gives one document through docxtpl itself; `BatchRenderer` parses and compiles a
template once and renders it for many contexts (a ZIP of a thousand letters), replaying
docxtpl's own steps on the document's XML without reopening the file each time.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree

from reports.documents import MAX_TEMPLATE_BYTES

__all__ = [
    "MAX_TEMPLATE_BYTES",
    "BatchRenderer",
    "Link",
    "Picture",
    "TemplateProblem",
    "check_template",
    "render",
]

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 2000
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
LINK_COLOUR = "0563C1"


@dataclass(frozen=True, slots=True)
class Picture:
    """A PNG placed where its field stands, `width_mm` wide."""

    png: bytes
    width_mm: float


@dataclass(frozen=True, slots=True)
class Link:
    """A clickable address; `text` shown (the address itself when empty)."""

    url: str
    text: str = ""


class TemplateProblem(ValueError):
    """Why a template cannot be used: `code` for the reader's words, `detail` what it met."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code  # not_docx / too_big / syntax / unknown_field / forbidden / broken
        self.detail = detail


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _resolve(value: Any, tpl: DocxTemplate) -> Any:
    """Pictures and links become docxtpl's objects, which need the document being made."""
    if isinstance(value, Picture):
        return InlineImage(tpl, io.BytesIO(value.png), width=Mm(value.width_mm))
    if isinstance(value, Link):
        url_id = tpl.build_url_id(value.url)
        return RichText(value.text or value.url, url_id=url_id, color=LINK_COLOUR, underline=True)
    if isinstance(value, Mapping):
        return {key: _resolve(item, tpl) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(item, tpl) for item in value]
    return value


def _near(exc: Exception) -> str:
    """The template's text around a Jinja error (docxtpl keeps it), for the reader."""
    lines = [" ".join(line.split()) for line in getattr(exc, "docx_context", None) or ()]
    text = " ".join(line for line in lines if line)
    return text[:160]


def render(template: bytes, context: Mapping[str, Any]) -> bytes:
    """The document: `template` filled from `context`; TemplateProblem when it cannot be."""
    tpl = DocxTemplate(io.BytesIO(template))
    try:
        tpl.init_docx()
        tpl.render(_resolve(context, tpl), jinja_env=environment(), autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
    except TemplateSyntaxError as exc:
        raise TemplateProblem("syntax", f"{exc.message} {_near(exc)}".strip()) from exc
    except UndefinedError as exc:
        raise TemplateProblem("unknown_field", str(exc.message)) from exc
    except SecurityError as exc:
        raise TemplateProblem("forbidden", str(exc)) from exc
    except TemplateError as exc:
        raise TemplateProblem("broken", f"{exc.message} {_near(exc)}".strip()) from exc
    except (ValueError, KeyError, etree.LxmlError) as exc:
        raise TemplateProblem("broken", str(exc)[:200]) from exc
    return out.getvalue()


def _opened(content: bytes) -> None:
    """A .docx within the caps, one python-docx opens: else TemplateProblem."""
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateProblem("too_big")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise TemplateProblem("not_docx")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_PARTS or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise TemplateProblem("too_big")
            types = archive.read("[Content_Types].xml").decode("utf-8", errors="replace")
        if WORD_MAIN not in types:
            raise TemplateProblem("not_docx")
        Document(io.BytesIO(content))
    except TemplateProblem:
        raise
    except Exception as exc:  # a damaged archive or part: whatever python-docx met
        raise TemplateProblem("not_docx", str(exc)[:200]) from exc


def check_template(content: bytes, sample: Mapping[str, Any]) -> None:
    """Raise TemplateProblem unless `content` is a Word document within the caps that renders
    with `sample` (a context with every field filled) into a document Word can open."""
    _opened(content)
    rendered = render(content, sample)
    try:
        document = Document(io.BytesIO(rendered))
    except Exception as exc:  # the placeholders cut the document's XML apart
        raise TemplateProblem("broken", str(exc)[:200]) from exc
    # A rich field (a link) written `{{ … }}` instead of `{{r … }}` lands inside a text run,
    # which Word refuses to open: name it now rather than in print.
    if document.element.body.xpath(".//w:t[*]"):
        raise TemplateProblem("broken", "{{r …}}")


def _prepared(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


class BatchRenderer:
    """One template for many contexts, parsed and compiled once.

    Does what `DocxTemplate.render` does to the body, headers and footers (not to document
    properties or footnotes), so the result reads the same; pictures in the template stay,
    `Picture` and `Link` fields are not supported here."""

    def __init__(self, template: bytes) -> None:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.init_docx()
        env = environment()
        try:
            self._body = env.from_string(_prepared(tpl.patch_xml(tpl.get_xml())))
            self._parts: dict[str, tuple[Any, str]] = {}
            for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
                for _, part in tpl.get_headers_footers(uri):
                    xml = tpl.get_part_xml(part)
                    compiled = env.from_string(_prepared(tpl.patch_xml(xml)))
                    encoding = tpl.get_headers_footers_encoding(xml)
                    self._parts[str(part.partname).lstrip("/")] = (compiled, encoding)
        except TemplateSyntaxError as exc:
            raise TemplateProblem("syntax", exc.message or "") from exc
        self._tpl = tpl
        self._document_name = str(tpl.docx.part.partname).lstrip("/")
        shell = copy.deepcopy(tpl.docx.element)
        for child in list(shell.body):
            shell.body.remove(child)
        self._head, _, self._tail = etree.tostring(shell, encoding="unicode").partition("<w:body/>")
        # The parts that never change are compressed once; each document appends its own.
        static = io.BytesIO()
        dynamic = {self._document_name, *self._parts}
        with (
            zipfile.ZipFile(io.BytesIO(template)) as archive,
            zipfile.ZipFile(static, "w", zipfile.ZIP_DEFLATED) as kept,
        ):
            for info in archive.infolist():
                if info.filename not in dynamic:
                    kept.writestr(info, archive.read(info), compress_type=zipfile.ZIP_DEFLATED)
        self._static = static.getvalue()

    def _finish(self, xml: str) -> str:
        """docxtpl's steps after Jinja: paragraphs joined back, escaped braces, line breaks."""
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
        xml = xml.replace("%_}", "%}")
        return str(self._tpl.resolve_listing(xml))

    def render(self, context: Mapping[str, Any]) -> bytes:
        try:
            body = self._finish(self._body.render(context))
            parts = {
                name: self._finish(compiled.render(context)).encode(encoding)
                for name, (compiled, encoding) in self._parts.items()
            }
        except UndefinedError as exc:
            raise TemplateProblem("unknown_field", str(exc.message)) from exc
        except SecurityError as exc:
            raise TemplateProblem("forbidden", str(exc)) from exc
        except TemplateError as exc:
            raise TemplateProblem("broken", exc.message or "") from exc
        tree = self._tpl.fix_tables(body)
        self._tpl.docx_ids_index = 1000
        self._tpl.fix_docpr_ids(tree)
        document = self._head + etree.tostring(tree, encoding="unicode") + self._tail
        out = io.BytesIO(self._static)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(self._document_name, (XML_DECLARATION + document).encode("utf-8"))
            for name, data in parts.items():
                archive.writestr(name, data)
        return out.getvalue()
