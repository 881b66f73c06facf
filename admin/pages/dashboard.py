"""Dashboard: the KPIs of the scope for a period, then people by role and status, and invites."""

from __future__ import annotations

from aiohttp import web

from admin.context import actor_of, context_of
from admin.pages.reports import bot_texts, period_choices, scope_report, selected_period
from admin.render import BASE, render
from i18n import wording
from mentoring.stats.lagging import who_lags
from reports import kpi_text
from storage import backoffice
from storage import organisations as org_store
from storage.backoffice import OrganisationCounts
from storage.people import ROLES

__all__ = ["STATUSES", "routes"]

STATUSES = ("invited", "pending_name", "active", "inactive", "forgotten")

routes = web.RouteTableDef()


def _totals(counts: list[OrganisationCounts]) -> OrganisationCounts:
    total = OrganisationCounts(0)
    for entry in counts:
        for key, number in entry.people.items():
            total.people[key] = total.people.get(key, 0) + number
        total.invites += entry.invites
        total.invites_usable += entry.invites_usable
        total.invite_uses += entry.invite_uses
    return total


@routes.get("/", name="dashboard")
async def dashboard(request: web.Request) -> web.Response:
    actor = actor_of(request)
    ctx = context_of(request)
    scope_ids = actor.scope.organisation_ids
    async with ctx.config.db.connect() as conn:
        organisations = [
            o for o in await org_store.list_all(conn) if scope_ids is None or o.id in scope_ids
        ]
        counts = await backoffice.organisation_counts(conn, scope_ids, ctx.config.clock())
    rows = [(o, counts.get(o.id, OrganisationCounts(o.id))) for o in organisations]
    period_code, _ = selected_period(request)
    report = await scope_report(request, actor, period_code) if organisations else None
    bt = bot_texts(request, actor)
    # How many organisations lag, with a link to the table (several organisations only).
    listed = len(who_lags(report)) if report else 0
    return render(
        request,
        "dashboard.html",
        rows=rows,
        total=_totals([c for _, c in rows]),
        roles=[r for r in ROLES if r != "admin"],
        statuses=STATUSES,
        report=report,
        bt=bt,
        lagging_count=wording.counted(listed, "stats.lagging.organisations", bt, actor.locale),
        organisations_total=wording.number(
            len(report.by_organisation) if report else 0, actor.locale
        ),
        listed=listed,
        kpi_text=kpi_text,  # the chat's formatter: the same rounding and «нет данных»
        period_code=period_code,
        periods=period_choices(ctx.config.clock().date()),
        # Where the web's «внесите численность» leads: the organisation's headcounts form, or
        # the list of organisations when the scope has several (the chat says /headcount).
        headcounts_url=(
            f"{BASE}/organisations/{organisations[0].id}#headcounts"
            if len(organisations) == 1
            else f"{BASE}/organisations"
        ),
    )
