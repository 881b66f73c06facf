"""The back office as an aiohttp sub-application, mounted at /admin by bot/web.py."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from admin.auth import errors_middleware, session_middleware
from admin.auth import routes as auth_routes
from admin.context import CONTEXT, AdminConfig, AdminContext
from admin.pages import (
    audit,
    cases,
    dashboard,
    documents,
    imports,
    invites,
    lagging,
    meetings,
    notes,
    organisations,
    pairs,
    people,
    person,
    reports,
    roadmap,
    surveys,
    training,
)
from admin.render import make_templates
from admin.spreadsheets import MAX_UPLOAD_BYTES

__all__ = ["CLIENT_MAX_SIZE", "build_admin_app"]

STATIC_DIR = Path(__file__).parent / "static"
# Uploads of class lists; the parent application must allow the same (aiohttp reads the
# limit from the application that accepted the request).
CLIENT_MAX_SIZE = MAX_UPLOAD_BYTES + 64 * 1024


async def _stop_jobs(app: web.Application) -> None:
    await app[CONTEXT].jobs.close()


def build_admin_app(config: AdminConfig) -> web.Application:
    app = web.Application(
        middlewares=[errors_middleware, session_middleware], client_max_size=CLIENT_MAX_SIZE
    )
    app[CONTEXT] = AdminContext(config=config, templates=make_templates())
    # Order matters where paths overlap: /people/import and /people/export.* before /people/{id}.
    for table in (
        auth_routes,
        dashboard.routes,
        organisations.routes,
        invites.routes,
        imports.routes,
        people.routes,
        person.routes,
        notes.routes,
        reports.routes,
        lagging.routes,
        surveys.routes,
        pairs.routes,
        documents.routes,
        meetings.routes,
        roadmap.routes,
        audit.routes,
        cases.routes,
        training.routes,
    ):
        app.router.add_routes(table)
    app.router.add_static("/static", STATIC_DIR, name="static")
    app.on_cleanup.append(_stop_jobs)
    return app
