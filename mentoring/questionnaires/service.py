"""Running questionnaires for a person: queue, start, answer, resume, submit.

The survey engine (`surveys/`) decides what to ask; this service feeds it the person's
context, stores every answer the moment it is given and the response state with it, so a
restart resumes at the same question. Handlers render what it returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from i18n import Translator, load_translator
from mentoring.matching.choices import could_pair
from mentoring.matching.cohort import load_candidates
from mentoring.pairs.notices import alert_poor_fit
from mentoring.people.ages import age_on
from mentoring.people.profiles import INTAKE_CODES, profile_option
from storage import group_meetings, surveys
from storage import people as people_store
from storage.db import Database
from storage.people import Person
from surveys import engine
from surveys.definitions import Registry, SurveyDefinition
from surveys.scoring import score_response
from surveys.state import Context, DynamicOption, Event, ResponseState, Translate, View

__all__ = ["QuestionnaireService", "Screen", "Turn"]

log = logging.getLogger(__name__)

CACHE_LIMIT = 10_000
FREE_TEXT_TYPES = frozenset({"short_text", "long_text"})
DYNAMIC_ROLES = {"attended_mentors": "mentor", "attended_mentees": "mentee"}


@dataclass(frozen=True, slots=True)
class Screen:
    """One survey message to show: the engine's view plus what its buttons must carry."""

    response_id: int
    step: int
    view: View
    cursor: str


@dataclass(slots=True)
class Turn:
    screen: Screen | None
    notice: str | None = None
    changed: bool = False
    submitted_survey: str | None = None
    queued: surveys.Assignment | None = None  # after a submission: the next one waiting
    same_question: bool = False
    extra: list[str] = field(default_factory=list)


class QuestionnaireService:
    def __init__(
        self, db: Database, registry: Registry, translator: Translator | None = None
    ) -> None:
        self.db = db
        self.registry = registry
        # Texts for the notices a submitted answer may trigger (a low pairing fit).
        self.translator = translator or load_translator()
        # Responses in progress and their contexts, kept write-through: this process is the
        # only writer, and an answer then costs one transaction instead of five reads more.
        # Not on a shared database (replicas): there every answer reads them back.
        self._responses: dict[int, surveys.Response] = {}
        self._contexts: dict[int, Context] = {}
        self._answers = surveys.AnswerWriter(db)

    def _remember(self, response: surveys.Response, ctx: Context | None = None) -> None:
        if self.db.shared:  # the next answer may reach another replica: nothing is kept
            return
        if len(self._responses) >= CACHE_LIMIT:
            self._responses.pop(next(iter(self._responses)))
            self._contexts.pop(next(iter(self._contexts)), None)
        self._responses[response.id] = response
        if ctx is not None:
            self._contexts[response.id] = ctx

    def _forget(self, response_id: int) -> None:
        self._responses.pop(response_id, None)
        self._contexts.pop(response_id, None)

    async def in_progress(self, person_id: int) -> bool:
        async with self.db.connect() as conn:
            return await surveys.in_progress_response(conn, person_id) is not None

    # --- starting and resuming --------------------------------------------------------------
    async def current(self, person: Person, locale: str, t: Translate) -> Screen | None:
        """The question the person is on now (resume), or None when nothing is in progress."""
        async with self.db.connect() as conn:
            return await self._current(conn, person, locale, t)

    async def _current(
        self, conn: AsyncConnection, person: Person, locale: str, t: Translate
    ) -> Screen | None:
        response = await surveys.in_progress_response(conn, person.id)
        if response is None:
            return None
        defn = self.registry.get(response.survey_code, response.survey_version)
        state = ResponseState.from_dict(response.state)
        ctx = await self._context_of(conn, person, response, defn, locale)
        return Screen(response.id, state.step, engine.render(defn, state, ctx, t), state.cursor)

    async def begin(
        self, person: Person, locale: str, t: Translate, assignment_id: int | None = None
    ) -> Screen | None:
        """Resume the response in progress, else start the given (or the next) assignment."""
        async with self.db.connect() as conn:  # one connection for every read it takes
            resumed = await self._current(conn, person, locale, t)
            if resumed is not None:
                return resumed
            if assignment_id is not None:
                assignment = await surveys.get_assignment(conn, assignment_id)
                if (
                    assignment is None
                    or assignment.person_id != person.id
                    or assignment.status != "pending"
                ):
                    return None  # not his, or already answered: callback data is never trusted
            else:
                assignment = await surveys.next_pending_assignment(conn, person.id)
            if assignment is None:
                return None
            defn = self.registry.get(assignment.survey_code)
            ctx = await self._context(conn, person, defn, locale, assignment)
        outcome = engine.start(defn, ctx, t)
        state = outcome.state.to_dict()

        async def store(conn: AsyncConnection) -> int:
            return await surveys.start_response(
                conn,
                person_id=person.id,
                assignment_id=assignment.id,
                survey_code=defn.code,
                survey_version=defn.version,
                state=state,
            )

        response_id = await self.db.write(store)
        started = surveys.Response(
            response_id, assignment.id, person.id, defn.code, defn.version, state, "in_progress"
        )
        self._remember(started, ctx)
        log.info(
            "survey.started person=%s survey=%s response=%s", person.id, defn.code, response_id
        )
        return Screen(response_id, outcome.state.step, outcome.view, outcome.state.cursor)

    # --- answering --------------------------------------------------------------------------
    async def answer(
        self,
        person: Person,
        event: Event,
        locale: str,
        t: Translate,
        response_id: int | None = None,
    ) -> Turn:
        response = self._responses.get(response_id) if response_id is not None else None
        if response is None:
            async with self.db.connect() as conn:
                response = (
                    await surveys.get_response(conn, response_id)
                    if response_id is not None
                    else await surveys.in_progress_response(conn, person.id)
                )
        if response is None or response.person_id != person.id or response.status != "in_progress":
            return Turn(None, notice=t("survey.notice.stale"))
        defn = self.registry.get(response.survey_code, response.survey_version)
        state = ResponseState.from_dict(response.state)
        ctx = self._contexts.get(response.id)
        if ctx is None or ctx.locale != locale:
            async with self.db.connect() as conn:
                ctx = await self._context_of(conn, person, response, defn, locale)
        outcome = engine.handle(defn, state, ctx, event, t)
        screen = Screen(response.id, outcome.state.step, outcome.view, outcome.state.cursor)
        turn = Turn(screen, notice=outcome.notice, changed=outcome.changed)
        turn.same_question = outcome.state.cursor == state.cursor
        if not outcome.changed:
            self._remember(response, ctx)
            return turn
        free_text = frozenset(q.code for q in defn.questions if q.type in FREE_TEXT_TYPES)
        if not outcome.submitted:
            # Committed before the reply, in one statement with other people's answers.
            state_now = outcome.state.to_dict()
            await self._answers.save(
                surveys.SavedTurn(response.id, state_now, outcome.saved, outcome.cleared, free_text)
            )
            self._remember(replace(response, state=state_now), ctx)
            return turn

        async def store(conn: AsyncConnection) -> surveys.Assignment | None:
            await surveys.save_answers(conn, response.id, outcome.saved, outcome.cleared, free_text)
            await self._on_submit(conn, person, defn, response.id, outcome.state)
            return await surveys.next_pending_assignment(conn, person.id)

        turn.queued = await self.db.write(store)
        self._forget(response.id)
        turn.submitted_survey = defn.code
        log.info(
            "survey.submitted person=%s survey=%s response=%s", person.id, defn.code, response.id
        )
        return turn

    async def _on_submit(
        self,
        conn: Any,
        person: Person,
        defn: SurveyDefinition,
        response_id: int,
        state: ResponseState,
    ) -> None:
        scored = score_response(defn, state.answers)
        await surveys.submit_response(
            conn, response_id, state.to_dict(), scored.normalised if scored else None
        )
        if defn.code in INTAKE_CODES:
            # The intake is asked once: a wave's copy and the registration's are one question.
            await surveys.close_pending_twins(conn, person.id, defn.code)
        birth = state.answers.get("birth_date")
        if defn.code in INTAKE_CODES and isinstance(birth, str):
            await people_store.set_birth_date(conn, person.id, date.fromisoformat(birth))
        await alert_poor_fit(
            conn,
            self.translator,
            person_id=person.id,
            survey_code=defn.code,
            answers=state.answers,
            now=datetime.now(UTC),
        )

    # --- context ----------------------------------------------------------------------------
    async def _context_of(
        self,
        conn: AsyncConnection,
        person: Person,
        response: surveys.Response,
        defn: SurveyDefinition,
        locale: str,
    ) -> Context:
        """The context of a response read back: resumed, or no longer in the cache."""
        assignment_id = response.assignment_id
        assignment = await surveys.get_assignment(conn, assignment_id) if assignment_id else None
        return await self._context(conn, person, defn, locale, assignment)

    async def _context(
        self,
        conn: AsyncConnection,
        person: Person,
        defn: SurveyDefinition,
        locale: str,
        assignment: surveys.Assignment | None,
    ) -> Context:
        role = next((r for r in defn.audience if r in person.roles), defn.audience[0])
        today = datetime.now(UTC).date()
        intake = await surveys.submitted_answers(conn, person.id, INTAKE_CODES)
        lists = await self._dynamic_lists(conn, defn, assignment, locale)
        return Context(
            locale="en" if locale == "en" else "ru",
            role=role,
            position=intake.get("position"),
            age=age_on(person.birth_date, today) if person.birth_date else None,
            dynamic_lists=lists,
            today=today,
        )

    async def _dynamic_lists(
        self, conn: Any, defn: SurveyDefinition, assignment: surveys.Assignment | None, locale: str
    ) -> dict[str, list[DynamicOption]]:
        names = {q.dynamic_list for q in defn.questions if q.dynamic_list}
        if not names or assignment is None or assignment.subject_type != "group_meeting":
            return {name: [] for name in names if name}
        lists: dict[str, list[DynamicOption]] = {}
        meeting = await group_meetings.get(conn, assignment.subject_id or 0)
        for name in names:
            if name is None:
                continue
            role = DYNAMIC_ROLES.get(name)
            ids = await group_meetings.attendees(conn, assignment.subject_id or 0, role)
            if meeting is not None and role is not None:
                ids = await self._pairable(conn, meeting.organisation_id, assignment, role, ids)
            options = []
            for pid in ids:
                other = await people_store.get(conn, pid)
                if other is None or not other.registered:
                    continue
                answers = await surveys.submitted_answers(conn, pid, INTAKE_CODES)
                options.append(profile_option(pid, other.full_name, answers, self.registry, locale))
            lists[name] = options
        return lists

    async def _pairable(
        self,
        conn: Any,
        organisation_id: int,
        assignment: surveys.Assignment,
        role: str,
        ids: list[int],
    ) -> list[int]:
        """The attendees the respondent could be paired with, by the matching's hard rules.
        Without the respondent's intake there is nothing to judge by, so nobody is hidden."""
        today = datetime.now(UTC).date()
        own_role = "mentor" if role == "mentee" else "mentee"
        me = await load_candidates(conn, organisation_id, own_role, [assignment.person_id], today)
        if assignment.person_id not in me:
            return ids
        others = await load_candidates(conn, organisation_id, role, ids, today)
        return [
            pid
            for pid in ids
            if pid in others and could_pair(me[assignment.person_id], others[pid])
        ]
