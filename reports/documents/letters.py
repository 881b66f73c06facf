"""Thank-you letters (благодарственные письма): a page for each mentor who completed the
year and for each partner organisation that gave mentors; one file, or one per person."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from i18n import Texts
from i18n.wording import school_year_label
from reports.documents.common import school_context, signer_context
from reports.documents.data import Letters, MentorThanks, PartnerThanks
from reports.documents.engine import BatchRenderer, render
from reports.documents.wording import addressed, greeting, long_date, surname_initials
from reports.labels import label

__all__ = ["letter_name", "letters_context", "letters_docx", "letters_zip"]


def _mentor(thanks: MentorThanks, t: Texts) -> dict[str, Any]:
    return {
        "kind": "mentor",
        "name": thanks.name,
        "organisation": "",
        "head": "",
        "addressee": addressed(thanks.name),
        "greeting": greeting(thanks.name, t),
        "mentees": ", ".join(thanks.mentees),
        "forms": ", ".join(label(t, f"pairs.form.{form}", form) for form in thanks.forms),
        "meetings": thanks.meetings_held,
        "mentors": "",
        "thanked": "",
    }


def _partner(thanks: PartnerThanks, t: Texts) -> dict[str, Any]:
    head = thanks.head.name.strip()
    organisation = thanks.organisation
    return {
        "kind": "partner",
        "name": organisation,
        "organisation": organisation,
        "head": head,
        "addressee": addressed(head)
        if head
        else t("documents.letters.team", organisation=organisation),
        "greeting": greeting(head, t) if head else t("documents.greeting.colleagues"),
        "mentees": "",
        "forms": "",
        "meetings": 0,
        "mentors": ", ".join(surname_initials(name) for name in thanks.mentors),
        "thanked": t(
            "documents.letters.thanked_with_head" if head else "documents.letters.thanked_team",
            organisation=organisation,
        ),
    }


def letters_context(letters: Letters, t: Texts) -> dict[str, Any]:
    return {
        "school": school_context(letters.school, t),
        "head": signer_context(letters.school.head, t, default_key="documents.head_position"),
        "school_year": school_year_label(letters.school_year),
        "date": long_date(letters.day),
        "letters": [
            *(_mentor(thanks, t) for thanks in letters.mentors),
            *(_partner(thanks, t) for thanks in letters.partners),
        ],
    }


def letters_docx(letters: Letters, t: Texts, template: bytes) -> bytes:
    """Every letter in one file, a page each."""
    return render(template, letters_context(letters, t))


def letter_name(letter: dict[str, Any], n: int) -> str:
    """A file name inside the ZIP: «001 Иванов Иван Петрович.docx», safe on any disk."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f«»]+', " ", str(letter["name"]))
    return f"{n:03d} {' '.join(name.split())[:80]}.docx"


def _one_by_one(context: dict[str, Any], template: bytes) -> Iterator[tuple[str, bytes]]:
    renderer = BatchRenderer(template)
    for n, letter in enumerate(context["letters"], start=1):
        yield letter_name(letter, n), renderer.render({**context, "letters": [letter]})


def letters_zip(letters: Letters, t: Texts, template: bytes) -> bytes:
    """A ZIP with one document per person or organisation (the same template)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in _one_by_one(letters_context(letters, t), template):
            archive.writestr(name, data)  # a .docx is compressed already
    return out.getvalue()
