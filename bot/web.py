"""The process's web server (aiohttp.web): health now, the back office later."""

from __future__ import annotations

from aiohttp import web

from storage.db import Database

__all__ = ["build_web_app", "start_web"]


async def _healthz(request: web.Request) -> web.Response:
    db: Database = request.app["db"]
    await db.ping()
    return web.json_response({"ok": True})


def build_web_app(db: Database) -> web.Application:
    app = web.Application()
    app["db"] = db
    app.router.add_get("/healthz", _healthz)
    return app


async def start_web(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
