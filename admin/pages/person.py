"""One person: memberships in scope, consents, the imported record and its personal link."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from admin.context import Actor, actor_of, context_of
from admin.guards import visible_person
from admin.pages.notes import notes_section
from admin.pages.reports import bot_texts
from admin.pages.training import training_section
from admin.qr import qr_svg
from admin.render import BASE, redirect, render
from mentoring.people.imports import remove_imported
from mentoring.people.invites import deep_link
from mentoring.people.parental import needs_parent_consent, record_paper_consent
from storage import backoffice, consents
from storage import imports as import_store
from storage import organisations as org_store
from storage import surveys as survey_store
from storage.imports import ImportInfo
from storage.people import Person
from surveys.definitions import SurveyDefinition
from surveys.questions import format_answer
from surveys.state import Context, DynamicOption

__all__ = ["routes"]

routes = web.RouteTableDef()

# The questionnaires about the person himself (not about a meeting or the programme).
PROFILE_KINDS = ("intake", "preference")
FREE_TEXT = ("short_text", "long_text")
MAX_RECORDED_BY = 200


@dataclass(frozen=True, slots=True)
class AnswerRow:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Questionnaire:
    title: str
    answers: list[AnswerRow]


def _manages(actor: Actor, person: Person) -> bool:
    return any(actor.scope.manages(m.organisation_id) for m in person.memberships)


async def _questionnaires(
    request: web.Request, actor: Actor, person: Person
) -> list[Questionnaire]:
    """His latest submitted intake/preference answers, labelled in the viewer's language;
    free-text answers only for those who manage one of his organisations."""
    ctx = context_of(request)
    show_free_text = _manages(actor, person)
    locale: Literal["ru", "en"] = "en" if actor.locale == "en" else "ru"
    bt = bot_texts(request, actor)
    found = []
    async with ctx.config.db.connect() as conn:
        for defn in ctx.registry:
            if defn.kind not in PROFILE_KINDS:
                continue
            answers = await survey_store.submitted_answers(conn, person.id, (defn.code,))
            survey_context = Context(
                locale=locale,
                dynamic_lists=await _chosen_people(conn, defn, answers, actor),
            )
            rows = []
            for question in defn.questions:  # in the questionnaire's order
                if question.code not in answers or answers[question.code] is None:
                    continue
                if question.type in FREE_TEXT and not show_free_text:
                    continue
                value = format_answer(question, answers[question.code], survey_context, bt)
                rows.append(AnswerRow(question.text.get(locale), value))
            if rows:
                found.append(Questionnaire(defn.title.get(locale), rows))
    return found


async def _chosen_people(
    conn: AsyncConnection, defn: SurveyDefinition, answers: dict[str, Any], actor: Actor
) -> dict[str, list[DynamicOption]]:
    """The people a preference answer names (stored as ids), by name where the viewer may
    see them."""
    lists: dict[str, list[DynamicOption]] = {}
    for question in defn.questions:
        value = answers.get(question.code)
        if question.dynamic_list is None or not isinstance(value, list):
            continue
        ids = [int(v) for v in value if str(v).isdigit()]
        names = await backoffice.names_in_scope(conn, ids, actor.scope.organisation_ids)
        lists[question.dynamic_list] = [DynamicOption(str(i), names[i]) for i in names]
    return lists


# Who named a person in the preference questionnaires: (question, ranked), by his role.
CHOSEN_BY = {"mentor": ("ranked_mentors", True), "mentee": ("chosen_mentees", False)}


async def _chosen_by(
    request: web.Request, actor: Actor, person: Person
) -> list[backoffice.Chooser]:
    found: list[backoffice.Chooser] = []
    async with context_of(request).config.db.connect() as conn:
        for role in sorted(person.roles & set(CHOSEN_BY)):
            question, ranked = CHOSEN_BY[role]
            found += await backoffice.choosers_of(
                conn, person.id, question, actor.scope.organisation_ids, ranked=ranked
            )
    return found


async def _record(request: web.Request, person: Person) -> tuple[ImportInfo | None, str | None]:
    """The imported record, and the personal link while he has not joined yet."""
    async with context_of(request).config.db.connect() as conn:
        info = (await import_store.infos(conn, [person.id])).get(person.id)
    if info is None or info.invite_code is None or person.status != "invited":
        return info, None
    return info, deep_link(await context_of(request).config.bot_username(), info.invite_code)


@routes.get("/people/{person_id}", name="person")
async def person_page(request: web.Request) -> web.Response:
    actor = actor_of(request)
    person = await visible_person(request, actor)
    async with context_of(request).config.db.connect() as conn:
        consent_list = await consents.list_for_person(conn, person.id)
    info, link = await _record(request, person)
    memberships = [m for m in person.memberships if actor.scope.sees(m.organisation_id)]
    return render(
        request,
        "person.html",
        person=person,
        memberships=memberships,
        consents=consent_list,
        info=info,
        link=link,
        qr=qr_svg(link) if link else None,
        can_remove=link is not None
        and any(actor.scope.manages(m.organisation_id) for m in memberships),
        questionnaires=await _questionnaires(request, actor, person),
        chosen_by=await _chosen_by(request, actor, person),
        can_record_consent=_manages(actor, person)
        and await needs_parent_consent(
            context_of(request).config.db, person.id, context_of(request).config.clock().date()
        ),
        done=request.query.get("done", "") if request.query.get("done") == "consent" else "",
        **await notes_section(request, actor, person),
        **await training_section(request, person),
    )


@routes.get("/people/{person_id}/print", name="person_print")
async def person_print(request: web.Request) -> web.Response:
    actor = actor_of(request)
    person = await visible_person(request, actor)
    _, link = await _record(request, person)
    membership = next((m for m in person.memberships if actor.scope.sees(m.organisation_id)), None)
    if link is None or membership is None or membership.organisation_id is None:
        raise web.HTTPNotFound()
    async with context_of(request).config.db.connect() as conn:
        organisation = await org_store.get(conn, membership.organisation_id)
    return render(
        request,
        "invite_print.html",
        organisation=organisation,
        invite={"role": membership.role},
        link=link,
        qr=qr_svg(link, scale=8),
        person_name=person.full_name,
    )


@routes.post("/people/{person_id}/remove", name="person_remove")
async def person_remove(request: web.Request) -> web.Response:
    actor = actor_of(request)
    person = await visible_person(request, actor)
    if not any(actor.scope.manages(m.organisation_id) for m in person.memberships):
        raise web.HTTPForbidden()
    db = context_of(request).config.db
    if not await remove_imported(db, person.id, actor_person_id=actor.person.id):
        raise web.HTTPBadRequest()
    return redirect(f"{BASE}/people?done=removed")


@routes.post("/people/{person_id}/parent-consent", name="person_parent_consent")
async def person_parent_consent(request: web.Request) -> web.Response:
    """A parent's consent signed on paper, entered by a curator of the child's school."""
    actor = actor_of(request)
    person = await visible_person(request, actor)
    if not _manages(actor, person):
        raise web.HTTPForbidden()
    ctx = context_of(request)
    form = await request.post()
    signed_by = " ".join(str(form.get("signed_by", "")).split())[:MAX_RECORDED_BY]
    if not await needs_parent_consent(ctx.config.db, person.id, ctx.config.clock().date()):
        raise web.HTTPBadRequest()
    recorded_by = f"{actor.person.full_name or ''} #{actor.person.id} (web)"
    if signed_by:
        recorded_by = f"{signed_by}; {recorded_by}"
    if not await record_paper_consent(
        ctx.config.db,
        person_id=person.id,
        recorded_by=recorded_by,
        text_version=bot_texts(request, actor)("parent.consent_version"),
        actor_person_id=actor.person.id,
    ):
        raise web.HTTPNotFound()
    return redirect(f"{BASE}/people/{person.id}?done=consent")
