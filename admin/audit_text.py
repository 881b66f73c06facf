"""The audit log in the reader's words: an action, its object and its details as sentences.

Each action has a text key `audit.actions.<action>`; its details, where it has any, the
key `audit.details.<action>` with the details as parameters (codes in them — a
questionnaire, a role, yes/no — shown by name first). An action added later and not yet
described shows its code, so the page never breaks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from storage.backoffice import AuditRow

__all__ = ["AuditLine", "action_label", "describe"]

Texts = Callable[..., str]
Has = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class AuditLine:
    action: str
    object: str
    details: str
    person_id: int | None  # the object, when it is a person the viewer may open


def action_label(action: str, t: Texts, has: Has) -> str:
    key = f"audit.actions.{action}"
    return t(key) if has(key) else action


def _value(name: str, value: Any, t: Texts, has: Has, titles: Mapping[str, str]) -> Any:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("yes") if value else t("no")
    if name == "survey" and isinstance(value, str):
        return titles.get(value, value)
    if name == "role" and isinstance(value, str) and has(f"roles.{value}"):
        return t(f"roles.{value}")
    if name == "kind" and isinstance(value, str) and has(f"consent_kinds.{value}"):
        return t(f"consent_kinds.{value}")
    return value


def _details(row: AuditRow, t: Texts, has: Has, titles: Mapping[str, str]) -> str:
    if not row.details:
        return ""
    values = {k: _value(k, v, t, has, titles) for k, v in row.details.items()}
    key = f"audit.details.{row.action}"
    if has(key):
        try:
            return t(key, **values)
        except (KeyError, IndexError):
            pass  # details of an older shape: fall through to the plain list
    return "; ".join(
        f"{t(f'audit.detail_names.{k}') if has(f'audit.detail_names.{k}') else k}: {v}"
        for k, v in sorted(values.items())
    )


def _object(row: AuditRow, t: Texts, has: Has, names: Mapping[str, str]) -> str:
    if not row.object_type:
        return ""
    kind_key = f"audit.objects.{row.object_type}"
    kind = t(kind_key) if has(kind_key) else row.object_type
    name = names.get(f"{row.object_type}:{row.object_id}")
    if name:
        return f"{kind} «{name}»" if row.object_type == "organisation" else f"{kind}: {name}"
    return f"{kind} № {row.object_id}" if row.object_id else kind


def describe(
    row: AuditRow,
    t: Texts,
    has: Has,
    *,
    names: Mapping[str, str],
    titles: Mapping[str, str],
) -> AuditLine:
    """`names` maps "person:12" / "organisation:3" to what the viewer may see;
    `titles` maps questionnaire codes to their titles."""
    person_id = None
    if row.object_type == "person" and f"person:{row.object_id}" in names and row.object_id:
        person_id = int(row.object_id)
    return AuditLine(
        action=action_label(row.action, t, has),
        object=_object(row, t, has, names),
        details=_details(row, t, has, titles),
        person_id=person_id,
    )
