"""Organisations with KPI values given by hand, for «Кто отстаёт» in the chat and the table on
the web: the real scope and organisations, the figures of each organisation set by its name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import insert

from mentoring.people.organisations import create_organisation
from mentoring.stats.kpis import parse_period
from mentoring.stats.service import StatsRequest, StatsService
from mentoring.stats.targets import default_targets
from reports.data import KPI_CODES, KpiValue, OrganisationStats, SatisfactionFigures, StatsReport
from storage import stats as stats_store
from storage.db import Database
from storage.schema import organisations

Values = Sequence[float | None]  # the seven KPIs in KPI_CODES order; None: no data
TARGETS = default_targets(2026)  # 70, 10, 70, 30, 85, 85, 100
NO_DATA: Values = (None,) * 7

# Targets:   10–19  15–19  young  partners  sat.mentee  sat.mentor  teacher model
FIGURES: dict[str, Values] = {
    "Школа № 1": (80.0, 20.0, 75.0, 40.0, 90.0, 90.0, 100.0),  # all met
    "Школа № 2": (42.5, 20.0, 75.0, 40.0, 90.0, 90.0, 100.0),  # 1 below
    "Школа № 3": (60.0, 5.0, 75.0, 40.0, 80.0, 90.0, 100.0),  # 3 below, 0.70 of targets missing
    "Школа № 4": (35.0, 20.0, 75.0, 15.0, 90.0, 90.0, 0.0),  # 3 below, 2.0 missing: the worst
    "Школа № 5": NO_DATA,  # nothing entered yet: not behind
    "Алексинская школа": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),  # another municipality
}


def _no_answers(role: str) -> SatisfactionFigures:
    return SatisfactionFigures(
        role="mentee" if role == "mentee" else "mentor",
        method="share",
        threshold=70.0,
        satisfaction_pct=None,
        mean_normalised=None,
        mean_raw=None,
        respondents=0,
        asked=0,
        response_rate_pct=None,
    )


def organisation_stats(
    org_id: int | None, name: str, values: Values, municipality: str = ""
) -> OrganisationStats:
    kpis = tuple(
        KpiValue(code, value, round(value or 0), 0 if value is None else 100, TARGETS[code])
        for code, value in zip(KPI_CODES, values, strict=True)
    )
    return OrganisationStats(
        organisation_id=org_id,
        name=name,
        kpis=kpis,
        mentee_satisfaction=_no_answers("mentee"),
        mentor_satisfaction=_no_answers("mentor"),
        pairs_formed=0,
        pairs_active=0,
        pairs_dissolved=0,
        municipality=municipality,
    )


class FiguresStats(StatsService):
    """The real service, except that `report` gives each organisation of the request the
    figures `figures(name)`: which organisations are counted is still the caller's check."""

    def __init__(
        self, db: Database, translator: object, figures: Callable[[str], Values | None]
    ) -> None:
        super().__init__(db, translator)
        self.figures = figures

    async def report(self, request: StatsRequest) -> StatsReport:
        ids = None if request.org_ids is None else sorted(request.org_ids)
        async with self.db.connect() as conn:
            orgs = await stats_store.organisations_in_scope(conn, ids)
        by_org = tuple(
            organisation_stats(o.id, o.name, self.figures(o.name) or NO_DATA, o.municipality)
            for o in orgs
        )
        period = parse_period(request.period)
        assert period is not None
        return StatsReport(
            scope_label=request.scope_label,
            period_label=period.label,
            generated_at=request.now,
            method="share",
            threshold=70.0,
            total=organisation_stats(None, request.scope_label, NO_DATA),
            by_organisation=by_org if len(by_org) > 1 else (),
        )


async def fixture_schools(db: Database) -> dict[str, int]:
    """The schools of FIGURES: five in г. Тула, one in г. Алексин; ids by name."""
    ids = {}
    for name in FIGURES:
        created = await create_organisation(
            db,
            name=name,
            kind="school",
            municipality="г. Алексин" if name.startswith("Алексин") else "г. Тула",
            region="Тульская область",
            timezone="Europe/Moscow",
        )
        ids[name] = created.id
    return ids


LONG_REGION = "Область " + "очень длинного названия " * 8  # about 200 characters


def long_name(number: int) -> str:
    """An organisation's name as long as the back office allows (300 characters)."""
    head = f"Муниципальное бюджетное общеобразовательное учреждение № {number} "
    return (head + "«Средняя общеобразовательная школа с углублённым изучением» " * 6)[:300]


async def many_organisations(db: Database, count: int) -> None:
    """`count` organisations with the longest names, in two municipalities of LONG_REGION
    with long names too: the worst case for the length of a page of the list."""
    municipalities = [f"Муниципальный округ {n} " + "с длинным названием " * 8 for n in (1, 2)]
    now = datetime.now(UTC)
    async with db.begin() as conn:
        await conn.execute(
            insert(organisations),
            [
                {
                    "name": long_name(n),
                    "kind": "school",
                    "municipality": municipalities[n % 2][:200],
                    "region": LONG_REGION[:200],
                    "timezone": "Europe/Moscow",
                    "created_at": now,
                }
                for n in range(1, count + 1)
            ],
        )


# Every KPI below target with the longest value text: «69,9 %» against «70 %».
ALL_BEHIND: Values = (69.9, 9.9, 69.9, 29.9, 84.9, 84.9, 99.9)
