"""A realistic, deterministic demo programme (mentorbot demo-data and bench/stats.py).

`generate` is pure: from a seed, the sizes, the first free ids and `now` it yields rows in
chunks, table by table in dependency order, for `storage.demo.insert_rows`. Organisations
of several kinds in two municipalities; per organisation a curator, mentors and mentees
with intake answers, approved pairs with orders and plans, held meetings with feedback, and
the satisfaction waves with a plausible spread of scores (each organisation has its mood).
The impact items (мониторинг влияния) get a baseline in the intake and a final value in the
satisfaction response, mostly a little higher: the programme helps most, not everyone.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mentoring.demo import people as names
from mentoring.demo.calendar import DemoCalendar
from mentoring.demo.scales import Impact, impact_items, shown
from storage import demo as demo_store
from storage.db import Database
from surveys.branching import age_on
from surveys.state import Context

__all__ = ["DemoSize", "RealPeopleError", "generate", "write_demo"]

Rows = dict[str, list[dict[str, Any]]]
KIND_CYCLE = ("school", "school", "college", "school", "partner", "school", "additional",
              "school", "school", "partner")  # fmt: skip
SCALE_ITEMS = ("comfort", "usefulness", "clarity", "goals_achieved", "support", "organisation")
SUBJECTS = ("math", "russian", "physics", "biology", "history", "informatics", "arts")
INTERESTS = ("science", "it", "engineering", "sport", "art", "volunteering")
CHUNK = 5000
TIMEZONE = "Europe/Moscow"


class RealPeopleError(RuntimeError):
    """The database holds people who did not come from demo-data."""


@dataclass(frozen=True, slots=True)
class DemoSize:
    orgs: int = 20
    people: int = 2000
    seed: int = 1


@dataclass(slots=True)
class _State:
    rng: random.Random
    now: datetime
    ids: dict[str, int]
    calendar: DemoCalendar
    rows: Rows = field(default_factory=dict)
    partner_mentors: dict[str, list[int]] = field(default_factory=dict)
    # The impact items a person is asked, per (role, position, age): the demo's conditions
    # depend on nothing else, and evaluating them per person would slow the bench build.
    impact_asked: dict[tuple[str, str, int], tuple[Impact, ...]] = field(default_factory=dict)
    # Per person: the items of his intake and his answers (small ints: partner mentors stay
    # here to the end, tens of thousands of them in the bench build).
    baselines: dict[int, tuple[tuple[Impact, ...], tuple[int, ...]]] = field(default_factory=dict)

    def take(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table] - 1

    def add(self, table: str, **row: Any) -> None:
        self.rows.setdefault(table, []).append(row)


def _born(state: _State, low: int, high: int) -> date:
    age_days = state.rng.randint(low * 365 + 30, high * 365 + 300)
    return state.now.date() - timedelta(days=age_days)


def _person(state: _State, org_id: int, role: str, born: date) -> int:
    rng = state.rng
    first, sex = rng.choice(names.FIRST_NAMES)
    surname = rng.choice(names.SURNAMES) + ("а" if sex == "f" else "")
    full_name = f"{surname} {first} {rng.choice(names.PATRONYMICS[sex])}"
    pid = state.take("people")
    at = state.now - timedelta(days=rng.randint(60, 90))
    state.add("people", id=pid, telegram_id=-pid, full_name=full_name, username=None,
              birth_date=born, locale="ru", status="active", created_at=at, updated_at=at)  # fmt: skip
    state.add("memberships", id=state.take("memberships"), person_id=pid,
              organisation_id=org_id, role=role, created_at=at)  # fmt: skip
    return pid


def _response(state: _State, pid: int, code: str, values: dict[str, Any], **extra: Any) -> None:
    rid = state.take("responses")
    at = extra.get("at") or state.now - timedelta(days=state.rng.randint(1, 50))
    state.add("responses", id=rid, assignment_id=extra.get("assignment_id"), person_id=pid,
              survey_code=code, survey_version=1, state="{}", status="submitted", started_at=at,
              updated_at=at, submitted_at=at, satisfaction_score=extra.get("score"))  # fmt: skip
    for question, value in values.items():
        state.add("answers", id=state.take("answers"), response_id=rid, question_code=question,
                  value=value, free_text=False, answered_at=at)  # fmt: skip


def _asked(state: _State, role: str, position: str, age: int) -> tuple[Impact, ...]:
    key = (role, position, age)
    if key not in state.impact_asked:
        ctx = Context(role=role, position=position, age=age, today=state.now.date())
        intake = {"position": position}
        state.impact_asked[key] = tuple(
            i
            for i in impact_items()[role]
            if shown(i.baseline, intake, ctx) and shown(i.final, {}, ctx)
        )
    return state.impact_asked[key]


def _baseline(state: _State, pid: int, role: str, position: str, born: date) -> dict[str, int]:
    """The impact answers of the intake; remembered for the final stage."""
    rng = state.rng
    level = rng.gauss(0.45, 0.15)  # where the person stands, below the middle on average
    asked = _asked(state, role, position, age_on(born, state.now.date()))
    points = tuple(i.baseline.point(level + rng.gauss(0, 0.12)) for i in asked)
    state.baselines[pid] = (asked, points)
    return {i.baseline.code: point for i, point in zip(asked, points, strict=True)}


def _final(state: _State, pid: int, centre: float) -> dict[str, int]:
    """The impact answers of the satisfaction response: the baseline moved by a gain of about
    +1.2 points of ten, larger for the more satisfied; about one in ten gets worse."""
    rng = state.rng
    gain = (0.5 + (centre - 50) / 40 + rng.gauss(0, 0.9)) / 9
    asked, points = state.baselines.get(pid, ((), ()))
    return {
        i.final.code: i.final.point(i.baseline.fraction(point) + gain + rng.gauss(0, 0.07))
        for i, point in zip(asked, points, strict=True)
    }


def _intake(state: _State, pid: int, role: str, position: str, born: date, years: int) -> None:
    rng = state.rng
    values: dict[str, Any] = {
        "position": position,
        "birth_date": born.isoformat(),
        "subjects": rng.sample(SUBJECTS, 2),
        "interests": rng.sample(INTERESTS, 2),
        "format": rng.choice(("offline", "online", "mixed")),
    }
    if position in ("young_teacher", "teacher"):
        values["experience_years"] = years
    values.update(_baseline(state, pid, role, position, born))
    _response(state, pid, f"intake_{role}", values)


def _member(state: _State, org_id: int, role: str, position: str, ages: tuple[int, int]) -> int:
    born = _born(state, *ages)
    pid = _person(state, org_id, role, born)
    years = state.rng.choice((0, 1, 2, 3, 3, 5)) if position == "young_teacher" else 15
    _intake(state, pid, role, position, born, years)
    return pid


def _organisation(state: _State, index: int, size: int) -> None:
    rng, now = state.rng, state.now
    kind = KIND_CYCLE[index % len(KIND_CYCLE)]
    municipality = names.MUNICIPALITIES[index % len(names.MUNICIPALITIES)]
    org_id = state.take("organisations")
    state.add("organisations", id=org_id, name=names.org_name(kind, index + 1, municipality),
              kind=kind, municipality=municipality, region=names.REGION,
              timezone=TIMEZONE, created_at=now - timedelta(days=120))  # fmt: skip
    _person(state, org_id, "curator", _born(state, 30, 55))
    if kind == "partner":
        pool = state.partner_mentors.setdefault(municipality, [])
        pool.extend(_member(state, org_id, "mentor", "employer", (25, 55)) for _ in range(size - 1))
        return
    mentors: list[tuple[int, str]] = []
    mentees: list[tuple[int, str]] = []
    young = pupils_15_19 = 0
    for _ in range(size - 1):
        if rng.random() < 0.3:
            teen = rng.random() < (0.5 if kind == "college" else 0.35)
            position = "senior_pupil" if teen else "teacher"
            ages = (15, 18) if teen else (28, 60)
            pupils_15_19 += teen
            mentors.append((_member(state, org_id, "mentor", position, ages), position))
        else:
            teacher = kind == "school" and rng.random() < 0.15
            position = "young_teacher" if teacher else ("student" if kind == "college" else "pupil")
            # mentees stay 10–19 all school year, so no quarter counts more of them than the year
            ages = (22, 27) if teacher else ((15, 18) if kind == "college" else (10, 17))
            young += teacher
            mentees.append((_member(state, org_id, "mentee", position, ages), position))
    pool = state.partner_mentors.get(municipality, [])
    pair_people = _pairs(state, org_id, kind, mentors, mentees, pool)
    pupils = sum(1 for _, p in mentees if p != "young_teacher")
    older = max(1, round(pupils / rng.uniform(0.55, 0.95)))
    younger = max(1, round(pupils_15_19 / rng.uniform(0.06, 0.2)) + pupils // 3)
    state.add("headcounts", organisation_id=org_id, year=state.calendar.year,
              pupils_10_19=older, pupils_15_19=min(younger, older),  # the form's own rule
              young_teachers=max(1, round(young / rng.uniform(0.5, 1.0))),
              teachers_under_35=max(1, young * 3), partners_on_record=None,
              updated_at=now)  # fmt: skip
    _satisfaction(state, org_id, pair_people)
    for pid, _ in mentors + mentees:  # partner mentors may still be asked by other schools
        del state.baselines[pid]


def _pairs(
    state: _State,
    org_id: int,
    kind: str,
    mentors: list[tuple[int, str]],
    mentees: list[tuple[int, str]],
    partner_pool: list[int],
) -> dict[str, list[int]]:
    rng, now, calendar = state.rng, state.now, state.calendar
    paired: dict[str, list[int]] = {"mentee": [], "mentor": []}
    waiting = list(mentees)
    rng.shuffle(waiting)
    available = list(mentors)
    number = 0
    while waiting and (available or partner_pool):
        from_partner = bool(partner_pool) and (not available or rng.random() < 0.12)
        if from_partner:
            mentor_id, position = rng.choice(partner_pool), "employer"
        else:
            mentor_id, position = available.pop()
        group = [waiting.pop() for _ in range(min(len(waiting), rng.choice((1, 1, 1, 2, 3))))]
        teachers = any(p == "young_teacher" for _, p in group)
        form = (
            "teacher_teacher" if teachers and position == "teacher"
            else "employer_student" if position == "employer" and kind == "college"
            else "employer_pupil" if position == "employer"
            else "university_student_student" if kind == "college"
            else "student_student"
        )  # fmt: skip
        number += 1
        pair_id = state.take("pairs")
        approved = calendar.between(rng, 0.05, 0.5)
        dissolved = rng.random() < 0.04
        poor_fit = rng.random() >= 0.9  # feedback rated the fit low two weeks in
        state.add("pairs", id=pair_id, organisation_id=org_id, mentor_id=mentor_id, form=form,
                  status="dissolved" if dissolved else "active",
                  order_number=f"{number}-н", order_date=approved.date(), approved_at=approved,
                  approved_by=None, dissolved_at=approved + (now - approved) * 0.8 if dissolved else None,
                  dissolve_reason="переезд" if dissolved else None, fit_flag=True,
                  poor_fit_at=min(now, approved + timedelta(days=14)) if poor_fit else None)  # fmt: skip
        paired["mentor"].append(mentor_id)
        for mentee_id, _ in group:
            paired["mentee"].append(mentee_id)
            state.add("pair_mentees", pair_id=pair_id, mentee_id=mentee_id)
            status = rng.choices(("approved", "submitted", "draft"), (85, 10, 5))[0]
            state.add("plans", id=state.take("plans"), pair_id=pair_id, mentee_id=mentee_id,
                      goals=["Подготовка к олимпиаде", "Проект"], duration_months=9,
                      activities=[{"month": 1, "text": "Знакомство"}],
                      expected_results="Проект защищён", status=status, mentee_comment=None,
                      curator_comment=None, created_at=approved, updated_at=approved,
                      approved_at=approved if status == "approved" else None)  # fmt: skip
        _meetings(state, org_id, pair_id, approved, [m for m, _ in group])
    return paired


def _meetings(
    state: _State, org_id: int, pair_id: int, approved: datetime, mentee_ids: list[int]
) -> None:
    rng = state.rng
    after = approved
    for kind in ("intro", "regular", "regular", "regular")[: rng.randint(1, 4)]:
        starts = state.calendar.lesson_time(rng, after)
        if starts is None:  # early in the school year: fewer meetings so far
            return
        after = starts
        meeting_id = state.take("meetings")
        state.add("meetings", id=meeting_id, organisation_id=org_id, pair_id=pair_id, kind=kind,
                  starts_at=starts, duration_minutes=45, place="Кабинет 12", status="held",
                  proposed_by=None, confirmed_by=None, cancel_reason=None, created_at=approved,
                  updated_at=starts)  # fmt: skip
        for mentee_id in mentee_ids:
            if rng.random() < 0.6:
                _response(state, mentee_id, "feedback",
                          {"usefulness": rng.choice((3, 4, 4, 5, 5)), "as_planned": "yes"},
                          at=min(state.now, starts + timedelta(hours=2)))  # fmt: skip


def _satisfaction(state: _State, org_id: int, paired: dict[str, list[int]]) -> None:
    rng, now = state.rng, state.now
    created = state.calendar.between(rng, 0.85, 0.95)
    deadline = now.date() + timedelta(days=rng.randint(7, 21))  # the wave is still open
    mood = rng.uniform(62, 92)  # some organisations do better than others
    for role, people in paired.items():
        if not people:
            continue
        wave_id = state.take("survey_waves")
        code = f"satisfaction_{role}"
        state.add("survey_waves", id=wave_id, organisation_id=org_id, survey_code=code, role=role,
                  deadline=deadline, created_by=None, created_at=created)  # fmt: skip
        for pid in dict.fromkeys(people):
            assignment_id = state.take("survey_assignments")
            status = rng.choices(("submitted", "in_progress", "pending"), (82, 6, 12))[0]
            state.add("survey_assignments", id=assignment_id, person_id=pid, survey_code=code,
                      wave_id=wave_id, subject_type=None, subject_id=None,
                      dedupe_key=f"demo:{wave_id}:{pid}", status=status,
                      created_at=created)  # fmt: skip
            if status != "submitted":
                continue
            centre = min(100.0, max(0.0, rng.gauss(mood, 16)))
            items = {
                item: min(10, max(1, round(1 + centre / 100 * 9 + rng.gauss(0, 1))))
                for item in SCALE_ITEMS
            }
            score = (sum(items.values()) / len(items) - 1) / 9 * 100
            answered = items | _final(state, pid, centre)
            at = created + (now - created) * rng.uniform(0.1, 1)
            _response(state, pid, code, answered, assignment_id=assignment_id, score=score, at=at)


def _drain(state: _State, force: bool) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    if force or sum(len(r) for r in state.rows.values()) >= CHUNK:
        for table in demo_store.BULK_TABLES:
            if state.rows.get(table):
                yield table, state.rows.pop(table)


def generate(
    size: DemoSize, ids: dict[str, int], now: datetime
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Rows as (table, chunk) in dependency order; partners come first so that schools can
    take mentors from them."""
    state = _State(random.Random(size.seed), now, dict(ids), DemoCalendar(now, TIMEZONE))
    per_org, extra = divmod(size.people, size.orgs)
    order = sorted(range(size.orgs), key=lambda i: KIND_CYCLE[i % len(KIND_CYCLE)] != "partner")
    for index in order:
        _organisation(state, index, max(2, per_org + (index < extra)))
        yield from _drain(state, force=False)
    yield from _drain(state, force=True)


async def write_demo(
    db: Database, size: DemoSize, *, force: bool, now: datetime | None = None
) -> dict[str, int]:
    """Write the demo programme; counts of rows per table. Refuses a database with real people
    unless `force`."""
    now = now or datetime.now(UTC)
    counts: dict[str, int] = {}
    async with db.begin() as conn:
        if not force and await demo_store.real_people_count(conn):
            raise RealPeopleError("the database holds real people; use --force to add demo data")
        for table, rows in generate(size, await demo_store.next_ids(conn), now):
            await demo_store.insert_rows(conn, table, rows)
            counts[table] = counts.get(table, 0) + len(rows)
    return counts
