"""`mentorbot survey`, `mentorbot consent` and `mentorbot group-meeting`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click

from bot.cli.base import fail, run_async, settings_or_exit, with_database
from i18n import load_translator
from mentoring.people.parental import record_paper_consent
from mentoring.questionnaires import waves
from storage.db import Database
from surveys.definitions import load_definitions

PROBLEMS = {
    waves.WaveProblem.UNKNOWN_SURVEY: "unknown questionnaire; one of "
    + ", ".join(waves.LAUNCHABLE),
    waves.WaveProblem.WRONG_ROLE: "this questionnaire is not for that role",
    waves.WaveProblem.PAST_DEADLINE: "the deadline is in the past",
    waves.WaveProblem.UNKNOWN_ORGANISATION: "no such organisation",
}


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: expected YYYY-MM-DD, got {value!r}")


@click.group()
def survey() -> None:
    """Questionnaire waves."""


@survey.command("launch")
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--survey", "survey_code", required=True, help=", ".join(waves.LAUNCHABLE))
@click.option("--role", type=click.Choice(["mentee", "mentor"]), required=True)
@click.option("--deadline", required=True, help="YYYY-MM-DD")
def survey_launch(organisation_id: int, survey_code: str, role: str, deadline: str) -> None:
    """Ask every registered person of a role to answer a questionnaire by a deadline."""
    settings = settings_or_exit()
    due = _parse_date(deadline, "--deadline")

    async def _launch(db: Database) -> waves.WaveLaunch:
        return await waves.launch_wave(
            db,
            load_translator(),
            load_definitions(),
            organisation_id=organisation_id,
            survey_code=survey_code,
            role=role,
            deadline=due,
            actor_person_id=None,
            now=datetime.now(UTC),
        )

    launch = run_async(with_database(settings, _launch))
    if launch.problem is not None:
        fail(PROBLEMS[launch.problem])
    click.echo(f"wave {launch.wave_id}: {launch.invited} invitations queued")


@click.group()
def consent() -> None:
    """Consents."""


@consent.command("record-paper")
@click.option("--person", "person_id", type=int, required=True)
@click.option("--by", "recorded_by", default="admin (CLI)", help="who checked the paper form")
def consent_record_paper(person_id: int, recorded_by: str) -> None:
    """Record a parent's consent signed on paper for a participant under 18."""
    settings = settings_or_exit()
    version = load_translator().get("ru", "parent.consent_version")

    async def _record(db: Database) -> bool:
        return await record_paper_consent(
            db,
            person_id=person_id,
            recorded_by=recorded_by,
            text_version=version,
            actor_person_id=None,
        )

    if not run_async(with_database(settings, _record)):
        fail(f"no person with id {person_id}")
    click.echo(f"parent consent on paper recorded for person {person_id}")


@click.command("group-meeting")
@click.argument("action", type=click.Choice(["add"]))
@click.option("--org", "organisation_id", type=int, required=True)
@click.option("--date", "held_on", required=True, help="YYYY-MM-DD")
@click.option("--attendees", required=True, help="comma-separated person ids")
def group_meeting(action: str, organisation_id: int, held_on: str, attendees: str) -> None:
    """Record the group meeting and send each attendee the preference questionnaire."""
    settings = settings_or_exit()
    day = _parse_date(held_on, "--date")
    try:
        ids = [int(part) for part in attendees.split(",") if part.strip()]
    except ValueError:
        fail(f"--attendees: expected comma-separated ids, got {attendees!r}")

    async def _record(db: Database) -> waves.GroupMeetingResult:
        return await waves.record_group_meeting(
            db,
            load_translator(),
            load_definitions(),
            organisation_id=organisation_id,
            held_on=day,
            attendee_ids=ids,
            actor_person_id=None,
            now=datetime.now(UTC),
        )

    result = run_async(with_database(settings, _record))
    click.echo(
        f"group meeting {result.meeting_id}: {result.invited} preference questionnaires queued"
    )
