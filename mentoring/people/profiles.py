"""Short profiles of participants, built from their intake answers (for dynamic lists)."""

from __future__ import annotations

from typing import Any

from surveys.definitions import Registry, SurveyDefinition
from surveys.state import DynamicOption

__all__ = ["INTAKE_CODES", "option_label", "profile_option"]

INTAKE_CODES = ("intake_mentee", "intake_mentor")
PROFILE_FIELDS = ("subjects", "interests")


def option_label(defn: SurveyDefinition, question_code: str, option_code: Any, locale: str) -> str:
    for question in defn.questions:
        if question.code == question_code:
            for option in question.options:
                if str(option.code) == str(option_code):
                    return str(getattr(option.label, locale))
    return str(option_code)


def profile_option(
    person_id: int, full_name: str | None, answers: dict[str, Any], registry: Registry, locale: str
) -> DynamicOption:
    """`Name` plus `subjects · interests` from his latest intake, in the viewer's locale."""
    intake = registry.get(INTAKE_CODES[1] if "offer_tags" in answers else INTAKE_CODES[0])
    parts = []
    for field in PROFILE_FIELDS:
        values = answers.get(field) or []
        if isinstance(values, list) and values:
            parts.append(", ".join(option_label(intake, field, v, locale) for v in values[:4]))
    return DynamicOption(id=str(person_id), label=full_name or "—", profile=" · ".join(parts))
