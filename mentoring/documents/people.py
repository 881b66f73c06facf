"""A person's position or class as a document prints it beside the name: the school's own
list first («7А», «учитель физики»), else the intake questionnaire («7 класс», «2 курс»,
«молодой специалист»), else, for a partner's specialist, the partner organisation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Texts
from storage import documents as store
from storage.surveys import submitted_answers

__all__ = ["YOUNG_SPECIALIST_YEARS", "describe", "position_text"]

YOUNG_SPECIALIST_YEARS = 3  # a teacher with 0–3 years of experience (DESIGN §1)
INTAKE = {"mentee": ("intake_mentee",), "mentor": ("intake_mentor",)}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def position_text(intake: Mapping[str, Any], partners: list[str], t: Texts) -> str:
    """From the intake's answers (and the partner organisations he belongs to)."""
    position = intake.get("position")
    if position in ("pupil", "senior_pupil"):
        grade = _int(intake.get("school_class"))
        return t("documents.position.class", n=grade) if grade else t("documents.position.pupil")
    if position == "student":
        course = _int(intake.get("course"))
        place = _text(intake.get("study_place"))
        if place:
            return t("documents.position.student_at", place=place)
        return (
            t("documents.position.course", n=course) if course else t("documents.position.student")
        )
    if position == "young_teacher":
        years = _int(intake.get("experience_years"))
        young = years is None or years <= YOUNG_SPECIALIST_YEARS
        return t("documents.position.young_specialist" if young else "documents.position.teacher")
    if position == "teacher":
        return t("documents.position.teacher")
    if position == "employer":
        return (
            _text(intake.get("workplace"))
            or ", ".join(partners)
            or t("documents.position.employer")
        )
    return ", ".join(partners)


async def describe(conn: AsyncConnection, roles: Mapping[int, str], t: Texts) -> dict[int, str]:
    """person id → position or class, for people of the given roles (mentee / mentor)."""
    ids = list(roles)
    roster = await store.roster_lines(conn, ids)
    partners = await store.partners_of(conn, ids)
    found: dict[int, str] = {}
    for person_id, role in roles.items():
        if person_id in roster:
            found[person_id] = roster[person_id]
            continue
        intake = await submitted_answers(conn, person_id, INTAKE.get(role, ()))
        names = [p.name for p in partners.get(person_id, [])]
        found[person_id] = position_text(intake, names, t)
    return found
