"""`mentorbot org`, `mentorbot invite` and `mentorbot people`."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from bot.settings import Settings
from mentoring.people.invites import INVITE_ROLES, InviteError, create_invite, deep_link
from mentoring.people.organisations import (
    OrganisationError,
    create_organisation,
    list_organisations,
)
from reports.sheets import write_csv
from storage import invites as invite_store
from storage import organisations as org_store
from storage import people as people_store
from storage.db import Database
from storage.organisations import ORGANISATION_KINDS

# The name `bot.app` gives the embedded sandbox's bot (importing it would import aiogram);
# a test keeps the two equal.
SANDBOX_BOT_USERNAME = "mentor_sandbox_bot"


@click.group()
def org() -> None:
    """Organisations (schools, colleges, centres, partners)."""


@org.command("add")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(ORGANISATION_KINDS), required=True)
@click.option("--municipality", default="")
@click.option("--region", default="")
@click.option("--timezone", default=None, help="IANA name; DEFAULT_TIMEZONE when omitted")
def org_add(name: str, kind: str, municipality: str, region: str, timezone: str | None) -> None:
    """Create an organisation and print its id."""
    settings = settings_or_exit()

    async def _create(db: Database) -> int:
        try:
            created = await create_organisation(
                db,
                name=name,
                kind=kind,
                municipality=municipality,
                region=region,
                timezone=timezone or settings.default_timezone,
            )
        except OrganisationError as exc:
            fail(str(exc))
        return created.id

    click.echo(run_async(with_database(settings, _create)))


@org.command("list")
def org_list() -> None:
    """List organisations."""
    settings = settings_or_exit()
    for item in run_async(with_database(settings, list_organisations)):
        click.echo(
            f"{item.id}\t{item.kind}\t{item.name}\t{item.municipality}\t{item.region}\t{item.timezone}"
        )


async def _bot_username(settings: Settings) -> str:
    if settings.bot_username:
        return settings.bot_username
    if settings.bot_token is None:
        return SANDBOX_BOT_USERNAME
    from bot.factory import build_bot

    bot = build_bot(settings.bot_token.get_secret_value(), settings.telegram_api_base)
    try:
        me = await bot.get_me()
    except Exception as exc:
        fail(f"cannot ask Telegram for the bot's username ({type(exc).__name__}); set BOT_USERNAME")
    finally:
        await bot.session.close()
    return me.username or ""


@click.group()
def invite() -> None:
    """Invite links."""


@invite.command("create")
@click.option("--org", "organisation_id", type=int, default=None)
@click.option("--role", type=click.Choice(INVITE_ROLES), required=True)
@click.option("--municipality", default=None, help="a coordinator of this municipality")
@click.option("--region", default=None, help="a coordinator of this region")
@click.option("--max-uses", type=int, default=None)
@click.option("--expires-days", type=int, default=None)
@click.option(
    "--qr", type=click.Path(dir_okay=False, path_type=Path), default=None, help="write a QR PNG"
)
def invite_create(
    organisation_id: int | None,
    role: str,
    municipality: str | None,
    region: str | None,
    max_uses: int | None,
    expires_days: int | None,
    qr: Path | None,
) -> None:
    """Create an invite and print its code and deep link."""
    settings = settings_or_exit()

    async def _create(db: Database) -> str:
        try:
            created = await create_invite(
                db,
                organisation_id=organisation_id,
                role=role,
                max_uses=max_uses,
                expires_days=expires_days,
                now=datetime.now(UTC),
                municipality=municipality,
                region=region,
            )
        except InviteError as exc:
            fail(str(exc))
        return created.code

    code = run_async(with_database(settings, _create))
    link = deep_link(run_async(_bot_username(settings)), code)
    click.echo(f"code: {code}")
    click.echo(f"link: {link}")
    if qr is not None:
        import segno

        segno.make(link, error="m").save(str(qr), kind="png", scale=10, border=4)
        click.echo(f"qr: {qr}")


@invite.command("list")
@click.option("--org", "organisation_id", type=int, required=True)
def invite_list(organisation_id: int) -> None:
    """List the invites of an organisation."""
    settings = settings_or_exit()

    async def _list(db: Database) -> list[invite_store.Invite]:
        async with db.connect() as conn:
            return await invite_store.list_for_organisation(conn, organisation_id)

    for item in run_async(with_database(settings, _list)):
        expires = item.expires_at.date().isoformat() if item.expires_at else "never"
        limit = item.max_uses if item.max_uses is not None else "∞"
        click.echo(f"{item.code}\t{item.role}\tuses {item.uses}/{limit}\texpires {expires}")


@click.group()
def people() -> None:
    """People of an organisation."""


@people.command("list")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--format", "output", type=click.Choice(["table", "json", "csv"]), default="table")
def people_list(organisation_id: int, output: str) -> None:
    """List the people of an organisation with their roles and status."""
    settings = settings_or_exit()

    async def _list(db: Database) -> list[people_store.PersonRow]:
        async with db.connect() as conn:
            if await org_store.get(conn, organisation_id) is None:
                fail(f"no organisation with id {organisation_id}")
            return await people_store.list_in_organisation(conn, organisation_id)

    rows = [
        {**asdict(row), "created_at": row.created_at.isoformat()}
        for row in run_async(with_database(settings, _list))
    ]
    if output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output == "csv":
        columns = ["id", "full_name", "role", "status", "locale", "created_at"]
        table = [[row[name] for name in columns] for row in rows]
        click.echo(write_csv(columns, table, delimiter=",", for_excel=False).decode(), nl=False)
    else:
        for row in rows:
            click.echo(f"{row['id']}\t{row['role']}\t{row['status']}\t{row['full_name'] or '—'}")
