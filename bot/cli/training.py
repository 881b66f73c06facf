"""`mentorbot training add|list|attendance`: mentor training sessions and webinars."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from mentoring.roadmap.service import organisations_of_municipality
from mentoring.stats.periods import school_year_of
from mentoring.training import answers, rules, service
from mentoring.training.wording import local_start
from storage.db import Database
from storage.training import Material


@click.group()
def training() -> None:
    """Mentor training sessions and webinars: schedule, list, attendance."""


@training.command("add")
@click.option("--org", "organisation_ids", type=int, multiple=True, help="an organisation")
@click.option("--municipality", help="every organisation of the municipality")
@click.option("--title", required=True)
@click.option("--date", "day", required=True, help="ДД.ММ.ГГГГ, in the organisations' time")
@click.option("--time", "at", required=True, help="ЧЧ:ММ")
@click.option("--link", help="http(s) link of the webinar")
@click.option("--place", help="where it takes place")
@click.option("--audience", type=click.Choice(sorted(rules.AUDIENCES)), default="mentors")
@click.option("--material", "links", multiple=True, help="a link to a material (repeatable)")
def training_add(
    organisation_ids: tuple[int, ...],
    municipality: str | None,
    title: str,
    day: str,
    at: str,
    link: str | None,
    place: str | None,
    audience: str,
    links: tuple[str, ...],
) -> None:
    """Schedule a session and invite its audience (the command line acts as an administrator)."""
    if bool(organisation_ids) == (municipality is not None):
        fail("give either --org or --municipality")
    if (link is None) == (place is None):
        fail("give either --link or --place")
    try:
        when = datetime.strptime(f"{day} {at}", "%d.%m.%Y %H:%M")
    except ValueError:
        fail("--date is ДД.ММ.ГГГГ and --time is ЧЧ:ММ")
    settings = settings_or_exit()
    draft = service.Draft(
        title=" ".join(title.split()),
        day=when.date(),
        at=when.time(),
        audience=audience,
        link=link,
        place=" ".join(place.split()) if place else None,
        materials=tuple(Material(url=url) for url in links),
    )

    async def _add(db: Database) -> service.Scheduled:
        from i18n import load_translator

        ids = list(organisation_ids)
        if municipality is not None:
            ids = await organisations_of_municipality(db, municipality)
        return await service.schedule(db, load_translator(), None, draft, datetime.now(UTC), ids)

    result = run_async(with_database(settings, _add))
    reasons = {
        "past": "that time has passed",
        "bad_title": f"the title is empty or over {rules.TITLE_MAX} characters",
        "bad_where": f"--link must be http(s); --place at most {rules.PLACE_MAX} characters",
        "bad_material": "each --material must be an http(s) link",
        "no_organisations": "no such organisations",
    }
    if result.status != "ok":
        fail(reasons.get(result.status, result.status))
    click.echo(f"session {result.session_id}: {result.invited} invitation(s) queued")


@training.command("list")
@click.option("--org", "organisation_id", type=int, help="one organisation (default: all)")
@click.option("--year", type=int, help="the school year's first year (default: the current one)")
def training_list(organisation_id: int | None, year: int | None) -> None:
    """Sessions: id, local start, status, audience, answers (yes/no/none), attended, title."""
    settings = settings_or_exit()
    school_year = year if year is not None else school_year_of(datetime.now(UTC).date())

    async def _list(db: Database) -> list[str]:
        ids = None if organisation_id is None else [organisation_id]
        lines = []
        for s in await service.sessions_of_organisations(db, ids, school_year):
            invited = await service.invitations_of(db, s.id)
            counts = "/".join(
                str(sum(1 for i in invited if i.answer == a)) for a in ("yes", "no", "pending")
            )
            attended = sum(1 for i in invited if i.attended)
            start = local_start(s).strftime("%d.%m.%Y %H:%M")
            lines.append(
                f"{s.id}\t{start}\t{s.status}\t{s.audience}\t{counts}\t{attended}\t{s.title}"
            )
        return lines

    for line in run_async(with_database(settings, _list)):
        click.echo(line)


@training.command("attendance")
@click.option("--session", "session_id", type=int, required=True)
@click.option("--person", "person_id", type=int, help="mark this invitee")
@click.option("--present/--absent", default=True)
def training_attendance(session_id: int, person_id: int | None, present: bool) -> None:
    """Without --person: the invitees with their answers; with it: mark attendance."""
    settings = settings_or_exit()

    async def _run(db: Database) -> list[str]:
        if person_id is None:
            return [
                f"{i.person_id}\t{i.answer}\t"
                f"{'-' if i.attended is None else 'present' if i.attended else 'absent'}\t"
                f"{i.full_name or ''}"
                for i in await service.invitations_of(db, session_id)
            ]
        result = await answers.mark(db, None, session_id, person_id, present, datetime.now(UTC))
        if result.status in ("stale", "not_started"):
            fail(
                "the session has not started yet"
                if result.status == "not_started"
                else f"no invitee {person_id} of session {session_id}"
            )
        done = " (roadmap: mentors trained)" if result.trained_organisations else ""
        return [f"person {person_id}: {'present' if present else 'absent'}{done}"]

    for line in run_async(with_database(settings, _run)):
        click.echo(line)
