"""Plain inputs of the rendering layer: the stats layer fills them, reports/ only reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from storage.practices import PracticeRow

__all__ = [
    "KPI_CODES",
    "FormStats",
    "ImpactItem",
    "KpiValue",
    "OrganisationStats",
    "PairRow",
    "ResponseRate",
    "SatisfactionFigures",
    "SatisfactionMethod",
    "StatsReport",
]

# The seven KPIs of the municipal orders (DESIGN §1), in the order reports show them.
KPI_CODES: tuple[str, ...] = (
    "mentees_10_19",
    "mentors_15_19",
    "young_specialists",
    "partner_orgs",
    "mentee_satisfaction",
    "mentor_satisfaction",
    "schools_teacher_model",
)

SatisfactionMethod = Literal["share", "mean"]


@dataclass(frozen=True, slots=True)
class KpiValue:
    code: str
    value_pct: float | None  # None when the denominator is zero: no value, not 0 %
    numerator: int
    denominator: int
    target_pct: float

    @property
    def met(self) -> bool:
        return self.value_pct is not None and self.value_pct >= self.target_pct


@dataclass(frozen=True, slots=True)
class SatisfactionFigures:
    role: Literal["mentee", "mentor"]
    method: SatisfactionMethod
    threshold: float
    satisfaction_pct: float | None
    mean_normalised: float | None
    mean_raw: float | None
    respondents: int
    asked: int
    response_rate_pct: float | None
    # Histogram of normalised (0–100) respondent scores: (low, high, count) per bin.
    distribution: tuple[tuple[float, float, int], ...] = ()


@dataclass(frozen=True, slots=True)
class OrganisationStats:
    organisation_id: int | None  # None for the total over the scope
    name: str
    kpis: tuple[KpiValue, ...]
    mentee_satisfaction: SatisfactionFigures
    mentor_satisfaction: SatisfactionFigures
    pairs_formed: int
    pairs_active: int
    pairs_dissolved: int
    meetings_held_by_type: dict[str, int] = field(default_factory=dict)
    municipality: str = ""  # "" for the total over the scope


@dataclass(frozen=True, slots=True)
class ResponseRate:
    wave_id: int
    organisation: str
    survey_title: str
    deadline: date
    asked: int
    answered: int
    started: int

    @property
    def answered_pct(self) -> float | None:
        return 100.0 * self.answered / self.asked if self.asked else None


@dataclass(frozen=True, slots=True)
class PairRow:
    organisation: str
    mentor: str
    mentees: tuple[str, ...]
    form: str
    order_number: str | None
    order_date: date | None
    status: str


@dataclass(frozen=True, slots=True)
class FormStats:
    """Pairs and meetings of one form of mentoring (форма наставничества) in the scope."""

    form: str
    pairs_formed: int  # approved within the period
    pairs_active: int
    pairs_dissolved: int  # within the period
    mentees_active: int  # mentees named in its active pairs
    meetings_held: int  # held within the period


@dataclass(frozen=True, slots=True)
class ImpactItem:
    """One impact-monitoring item: the mean before entering the programme and at its end.

    The stats layer names items `<role>.<item>` (`mentee.confidence`), means on the scale
    of the questionnaire (1–10)."""

    item_code: str
    mean_before: float | None
    mean_after: float | None
    change: float | None
    n: int


@dataclass(frozen=True, slots=True)
class StatsReport:
    scope_label: str
    period_label: str
    generated_at: datetime  # passed in, never read from the clock here
    method: SatisfactionMethod
    threshold: float
    total: OrganisationStats
    by_organisation: tuple[OrganisationStats, ...] = ()
    response_rates: tuple[ResponseRate, ...] = ()
    pairs: tuple[PairRow, ...] = ()
    impact: tuple[ImpactItem, ...] = ()
    practices: tuple[PracticeRow, ...] = ()
    by_form: tuple[FormStats, ...] = ()
    # When the counts were taken, if not just now: large scopes read the periodic snapshot.
    counted_at: datetime | None = None
    # The zone the workbook states its times in (IANA name): the organisations' one, or for
    # a scope spanning several zones that of most of its organisations.
    timezone: str = "UTC"
    timezone_organisations: int = 0  # how many of the scope's organisations keep that zone
    organisation_count: int = 0  # organisations in the scope
