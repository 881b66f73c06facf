"""What every document says alike: the school and who signs, the period in words."""

from __future__ import annotations

import re
from typing import Any

from i18n import Texts
from i18n.wording import period_title, school_year_label
from reports.documents.data import School, Signatory
from reports.documents.wording import initials

__all__ = ["period_phrase", "school_context", "signer_context"]


def signer_context(signatory: Signatory, t: Texts, *, default_key: str) -> dict[str, str]:
    """`position` («Директор» when none is on record) and `initials` («И.С. Петрова»)."""
    position = signatory.position.strip() or t(default_key)
    return {
        "name": signatory.name.strip(),
        "position": position,
        "initials": initials(signatory.name) if signatory.name.strip() else "",
    }


def school_context(school: School, t: Texts) -> dict[str, Any]:
    return {
        "name": school.name,
        "place": school.municipality,
        "municipality": school.municipality,
        "region": school.region,
    }


def period_phrase(code: str, t: Texts) -> str:
    """What follows «за»: «2026/27 учебный год», «I квартал 2026 года»."""
    year = re.fullmatch(r"(\d{4})(?:/\d{2})?", code.strip())
    if year:
        return t("documents.period.school_year", label=school_year_label(int(year.group(1))))
    return t("documents.period.part", title=period_title(code, t))
