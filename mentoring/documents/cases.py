"""The selected cases (кейсы наставничества) of a school year as a Word document, for one
organisation or a scope (the same `DocumentScope` as the note)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from i18n import Translator
from i18n.wording import school_year_label
from mentoring.documents.files import Document, file_name, texts
from mentoring.documents.notes import DocumentScope, scope_heading, scope_organisations
from mentoring.documents.templates import template_for
from reports.documents.data import CasesReport
from storage import cases as case_store
from storage.db import Database

__all__ = ["cases_document"]


async def cases_document(
    db: Database, translator: Translator, scope: DocumentScope, year: int, now: datetime
) -> Document | None:
    """The cases selected in school year `year` (2026 = 2026/27); None when the scope has no
    organisation or no case is selected yet."""
    from reports.documents.cases import cases_docx

    orgs = await scope_organisations(db, scope)
    if not orgs:
        return None
    async with db.connect() as conn:
        rows = await case_store.selected_rows(conn, [o.id for o in orgs], year=year)
    if not rows:
        return None
    title, signatory, owner = await scope_heading(db, orgs, scope, translator)
    report = CasesReport(title, year, rows, now.date(), signatory)
    template = await template_for(db, owner, "cases")
    t = texts(translator)
    content = await asyncio.to_thread(cases_docx, report, t, template)
    label = school_year_label(year).replace("/", "-")
    name = t("documents.files.cases", scope=scope.label, year=label)
    return Document(file_name(name, "docx"), content, items=len(rows))
