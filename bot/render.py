"""Small renderers shared by handlers: a person's memberships, local dates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from i18n import Texts
from i18n.markup import safe
from storage.people import Person

__all__ = ["describe_memberships", "local_datetime"]


def describe_memberships(person: Person, t: Texts) -> str:
    parts = []
    for membership in person.memberships:
        role = t(f"roles.{membership.role}")
        if membership.organisation_name:
            parts.append(
                t("membership", role=role, organisation=safe(membership.organisation_name))
            )
        else:
            parts.append(t("membership_no_org", role=role))
    return "; ".join(parts)


def local_datetime(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")
