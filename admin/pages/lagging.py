"""Who lags (отстающие) on the web: the scope's organisations × the seven KPIs, below-target
cells marked, sorted on the server by any column, a page of 100 rows at a time.

The chat's «Кто отстаёт» and this table mark and order by the same rule
(`mentoring.stats.lagging`); the figures are the dashboard's (`scope_report`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from admin.context import actor_of, context_of
from admin.pages.reports import bot_texts, period_choices, scope_report, selected_period
from admin.render import render
from i18n.wording import counted, number
from mentoring.stats.lagging import below_target, who_lags, worst_first
from reports import kpi_text
from reports.data import KPI_CODES, OrganisationStats

__all__ = ["PAGE_SIZE", "Row", "routes", "sorted_rows"]

routes = web.RouteTableDef()

PAGE_SIZE = 100
COLUMNS = ("name", "lag", *KPI_CODES)
# The first click on a column: the laggards on top (most KPIs behind, the lowest values).
FIRST_ORDER = {"name": "asc", "lag": "desc"} | {code: "asc" for code in KPI_CODES}


@dataclass(frozen=True, slots=True)
class Row:
    organisation: OrganisationStats
    behind: frozenset[str]  # the codes of its KPIs below target


@dataclass(frozen=True, slots=True)
class View:
    """What the query asks for; anything it does not understand falls back to the default."""

    period: str
    sort: str
    order: str
    only_lagging: bool
    q: str
    page: int

    def link(self, **changes: object) -> str:
        """The query string of this view with some parameters changed."""
        values: dict[str, object] = {
            "period": self.period,
            "sort": self.sort,
            "order": self.order,
            "lagging": "1" if self.only_lagging else "",
            "q": self.q,
            "page": self.page,
        }
        values |= changes
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def sort_link(self, column: str) -> str:
        """A header's link: this column in its first order, or the other order if it is on."""
        if column == self.sort:
            order = "asc" if self.order == "desc" else "desc"
        else:
            order = FIRST_ORDER[column]
        return self.link(sort=column, order=order, page=1)


def _view(request: web.Request, period: str) -> View:
    query = request.query
    sort = query.get("sort", "lag")
    sort = sort if sort in COLUMNS else "lag"
    order = query.get("order", "")
    order = order if order in ("asc", "desc") else FIRST_ORDER[sort]
    page = query.get("page", "1")
    return View(
        period=period,
        sort=sort,
        order=order,
        only_lagging=query.get("lagging") == "1",
        q=query.get("q", "").strip()[:100],
        page=int(page) if page.isdigit() and len(page) < 6 else 1,
    )


def sorted_rows(rows: Sequence[Row], column: str, descending: bool) -> list[Row]:
    """By a column; equal values keep the order of names, and a KPI without a value goes
    last whichever the order. `lag` descending is the chat's «Кто отстаёт» order
    (`worst_first`); ascending, the furthest ahead first."""
    if column == "lag" and descending:
        return sorted(rows, key=lambda r: worst_first(r.organisation))
    by_name = sorted(rows, key=lambda r: worst_first(r.organisation)[2:])
    if column == "name":
        return by_name[::-1] if descending else by_name
    if column == "lag":
        return sorted(by_name, key=lambda r: worst_first(r.organisation)[:2], reverse=True)
    index = KPI_CODES.index(column)

    def value(row: Row) -> float | None:
        return row.organisation.kpis[index].value_pct

    valued = [r for r in by_name if value(r) is not None]
    valued.sort(key=lambda r: value(r) or 0.0, reverse=descending)
    return valued + [r for r in by_name if value(r) is None]


def _matches(q: str) -> Callable[[Row], bool]:
    wanted = q.casefold()
    return lambda row: (
        wanted in row.organisation.name.casefold()
        or wanted in row.organisation.municipality.casefold()
    )


@routes.get("/stats/organisations", name="stats_organisations")
async def lagging_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    period_code, _ = selected_period(request)
    view = _view(request, period_code)
    report = await scope_report(request, actor, period_code)
    organisations = report.by_organisation if report else ()
    rows = [Row(o, frozenset(k.code for k in o.kpis if below_target(k))) for o in organisations]
    listed = who_lags(organisations)
    bt = bot_texts(request, actor)
    if view.only_lagging:
        rows = [r for r in rows if r.behind]
    if view.q:
        rows = list(filter(_matches(view.q), rows))
    rows = sorted_rows(rows, view.sort, view.order == "desc")
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(view.page, pages)
    return render(
        request,
        "lagging.html",
        report=report,
        view=view,
        rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        shown=[  # «Строки 101–200 из 1 000»
            number(n, actor.locale, digits=0)
            for n in ((page - 1) * PAGE_SIZE + 1, min(page * PAGE_SIZE, len(rows)), len(rows))
        ],
        page=page,
        pages=pages,
        listed=len(listed),
        lagging_count=counted(len(listed), "stats.lagging.organisations", bt, actor.locale),
        organisations_total=number(len(organisations), actor.locale, digits=0),
        several_places=len({o.municipality for o in organisations}) > 1,
        targets={k.code: k.target_pct for k in report.total.kpis} if report else {},
        codes=KPI_CODES,
        bt=bt,
        kpi_text=kpi_text,
        periods=period_choices(context_of(request).config.clock().date()),
    )
