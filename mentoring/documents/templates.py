"""An organisation's own Word templates: one per document kind, uploaded in the back office
in place of the product's, checked before it is kept, and reset to the default on request.

Kept in the database (document_templates), not under data/: they then follow the database
to PostgreSQL and into its backups, and no file on one replica is missing on another.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from i18n import Translator
from mentoring.documents.files import texts
from reports.documents import KINDS, MAX_TEMPLATE_BYTES, default_template
from storage import audit
from storage import documents as store
from storage.db import Database
from storage.documents import StoredTemplate

if TYPE_CHECKING:  # docxtpl loads when a template is checked, not with the web app
    from reports.documents.engine import TemplateProblem

__all__ = [
    "KINDS",
    "MAX_TEMPLATE_BYTES",
    "TemplateChoice",
    "reset_template",
    "template_for",
    "templates_of",
    "upload_template",
]


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    """The template a kind of document is made with: the organisation's, or None (default)."""

    kind: str
    custom: StoredTemplate | None


async def template_for(db: Database, organisation_id: int | None, kind: str) -> bytes:
    """The organisation's template of this kind when it uploaded one, else the default."""
    if organisation_id is not None:
        async with db.connect() as conn:
            custom = await store.template_content(conn, organisation_id, kind)
        if custom is not None:
            return custom
    return default_template(kind)


async def templates_of(db: Database, organisation_id: int) -> list[TemplateChoice]:
    async with db.connect() as conn:
        stored = await store.templates_of(conn, organisation_id)
    return [TemplateChoice(kind, stored.get(kind)) for kind in KINDS]


def _check(kind: str, content: bytes, translator: Translator) -> None:
    from reports.documents.engine import check_template
    from reports.documents.samples import sample_context

    check_template(content, sample_context(kind, texts(translator)))


async def upload_template(
    db: Database,
    translator: Translator,
    organisation_id: int,
    kind: str,
    *,
    file_name: str,
    content: bytes,
    actor_person_id: int | None,
    now: datetime,
) -> TemplateProblem | None:
    """Keep `content` as the organisation's template of `kind` once it renders the sample
    document; else the problem, and the template in use stays as it was."""
    from reports.documents.engine import TemplateProblem

    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    try:
        await asyncio.to_thread(_check, kind, content, translator)
    except TemplateProblem as problem:
        return problem
    async with db.begin() as conn:
        await store.save_template(
            conn,
            organisation_id=organisation_id,
            kind=kind,
            file_name=file_name or f"{kind}.docx",
            content=content,
            uploaded_by=actor_person_id,
            now=now,
        )
        await audit.record(
            conn,
            "document_template.uploaded",
            actor_person_id=actor_person_id,
            object_type="organisation",
            object_id=organisation_id,
            details={"document": texts(translator)(f"documents.kinds.{kind}")},
        )
    return None


async def reset_template(
    db: Database,
    translator: Translator,
    organisation_id: int,
    kind: str,
    *,
    actor_person_id: int | None,
) -> bool:
    """Back to the product's template; False when the organisation had none of its own."""
    async with db.begin() as conn:
        removed = await store.delete_template(conn, organisation_id, kind)
        if removed:
            await audit.record(
                conn,
                "document_template.reset",
                actor_person_id=actor_person_id,
                object_type="organisation",
                object_id=organisation_id,
                details={"document": texts(translator)(f"documents.kinds.{kind}")},
            )
    return removed
