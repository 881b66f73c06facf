"""Notes from third parties, as the services do them: consent (refused, then given; a minor's
parent), the one-time link (too long, own, expired, used), the roadmap item, and who may read
a note (with an audit row per read). The world and helpers here serve tests/test_notes_*.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial

from sqlalchemy import select

from i18n import Translator
from mentoring.notes import access, consent, writing
from mentoring.notes.consent import ConsentStep, RequestProblem
from mentoring.notes.writing import NoteProblem
from mentoring.people.parental import record_paper_consent
from mentoring.roadmap.service import import_roadmap
from mentoring.roadmap.service import items_of as roadmap_items_of
from storage import consents as consents_store
from storage import notes as note_store
from storage import people as people_store
from storage.db import Database
from storage.people import Person
from storage.schema import audit_log, outbox
from tests.factories import make_approved_pair, make_member, make_school

NOW = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


@dataclass
class NotesWorld:
    db: Database
    school: int
    other_school: int
    ids: dict[str, int]

    async def person(self, role: str) -> Person:
        async with self.db.connect() as conn:
            found = await people_store.get(conn, self.ids[role])
        assert found is not None
        return found


async def make_notes_world(db: Database, base: int = 610_000) -> NotesWorld:
    school = await make_school(db)
    other = await make_school(db, "МБОУ СОШ № 2")
    ids = {
        "curator": await make_member(db, base + 1, "Кураторова Елена", school, "curator"),
        "mentor": await make_member(db, base + 2, "Смирнова Ольга", school, "mentor"),
        "mentee": await make_member(db, base + 3, "Аннова Анна", school, "mentee"),
        "other_mentor": await make_member(db, base + 4, "Петров Пётр", school, "mentor"),
        "other_curator": await make_member(db, base + 5, "Чужая Вера", other, "curator"),
    }
    await make_approved_pair(db, school, ids["mentor"], ids["mentee"])
    return NotesWorld(db, school, other, ids)


async def agreed_request(
    w: NotesWorld, translator: Translator, *, mentor: bool, role: str = "class_teacher"
) -> int:
    """A request the adult mentee agreed to (the mentor may see the note or not)."""
    outcome = await consent.request_note(
        w.db,
        translator,
        curator=await w.person("curator"),
        mentee_id=w.ids["mentee"],
        author_role=role,
        now=NOW,
    )
    assert outcome.request_id is not None
    mentee = await w.person("mentee")
    assert mentee.telegram_id is not None
    for answer in ("yes", "mentor_yes" if mentor else "mentor_no"):
        await consent.answer_consent(
            w.db,
            translator,
            request_id=outcome.request_id,
            party="mentee",
            answer=answer,
            telegram_id=mentee.telegram_id,
            now=NOW,
        )
    return outcome.request_id


async def audit_rows(db: Database, action: str) -> list[tuple[int | None, str | None, dict]]:  # type: ignore[type-arg]
    async with db.connect() as conn:
        found = await conn.execute(
            select(audit_log.c.actor_person_id, audit_log.c.object_id, audit_log.c.details)
            .where(audit_log.c.action == action)
            .order_by(audit_log.c.id)
        )
    return [tuple(row) for row in found.all()]  # type: ignore[misc]


# --- consent --------------------------------------------------------------------------------------
async def consent_rows(db: Database) -> list[tuple[int, dict]]:  # type: ignore[type-arg]
    async with db.connect() as conn:
        found = await conn.execute(
            select(outbox.c.chat_id, outbox.c.payload)
            .where(outbox.c.kind == "note_consent")
            .order_by(outbox.c.id)
        )
    return [tuple(row) for row in found.all()]  # type: ignore[misc]


async def test_refused_then_given_then_link_then_note(db: Database, translator: Translator) -> None:
    w = await make_notes_world(db)
    await import_roadmap(db, [w.school], 2026)
    curator, mentee = await w.person("curator"), await w.person("mentee")
    outcome = await consent.request_note(
        db, translator, curator=curator, mentee_id=mentee.id, author_role="psychologist", now=NOW
    )
    assert outcome.problem is None and outcome.request_id is not None
    request_id = outcome.request_id
    [(chat, payload)] = await consent_rows(db)
    assert chat == mentee.telegram_id and "педагога-психолога" in payload["text"]
    labels = [a["label"] for row in payload["actions"] for a in row]
    assert labels == ["Да, согласие даю", "Нет"]

    async def press(answer: str, telegram_id: int | None = mentee.telegram_id) -> ConsentStep:
        assert telegram_id is not None
        return await consent.answer_consent(
            db, translator, request_id=request_id, party="mentee", answer=answer,
            telegram_id=telegram_id, now=NOW,
        )  # fmt: skip

    assert await press("no") is ConsentStep.REFUSED
    assert await press("no") is ConsentStep.STALE, "a double tap"
    assert (await writing.enter_note(
        db, translator, curator=curator, request_id=request_id, text="Текст", now=NOW
    ))[1] is NoteProblem.NO_CONSENT  # fmt: skip
    async with db.connect() as conn:
        request = await note_store.get_request(conn, request_id)
    assert request is not None and request.status == "refused" and request.code is None
    assert await press("mentor_yes") is ConsentStep.STALE, "the mentor question comes after yes"
    assert await press("yes", telegram_id=610_002) is ConsentStep.STALE, "not the mentee's press"

    assert await press("yes") is ConsentStep.ASK_MENTOR
    assert await press("mentor_no") is ConsentStep.COMPLETE
    assert await press("yes") is ConsentStep.STALE, "a double tap keeps the mentor answer"
    async with db.connect() as conn:
        request = await note_store.get_request(conn, request_id)
    assert request is not None and request.status == "open" and request.code
    assert request.code.startswith(consent.CODE_PREFIX)
    code = request.code

    long_text = "а" * (writing.MAX_NOTE + 1)
    write = writing.write_by_link
    assert (await write(db, translator, code=code, text=long_text, telegram_id=99, now=NOW))[
        1
    ] is NoteProblem.TOO_LONG
    assert (await write(db, translator, code=code, text="x", telegram_id=610_003, now=NOW))[
        1
    ] is NoteProblem.OWN
    later = NOW + timedelta(days=31)
    assert (await write(db, translator, code=code, text="x", telegram_id=99, now=later))[
        1
    ] is NoteProblem.EXPIRED
    note_id, problem = await write(
        db, translator, code=code, text="  Нужна поддержка в математике  ", telegram_id=99, now=NOW
    )
    assert problem is None and note_id is not None
    assert (await write(db, translator, code=code, text="ещё", telegram_id=98, now=NOW))[
        1
    ] is NoteProblem.USED
    assert await press("no") is ConsentStep.STALE, "a written request is settled"

    items = {item.code: item for item in await roadmap_items_of(db, w.school)}
    assert items["third_party_info"].done
    async with db.connect() as conn:
        note = await note_store.get_note(conn, note_id)
    assert note is not None and note.text == "Нужна поддержка в математике"
    assert note.author_telegram_id == 99 and not note.mentor_may_see
    async with db.connect() as conn:
        assert await people_store.get_by_telegram_id(conn, 99) is None, (
            "the author is no participant"
        )


async def test_without_consent_no_link_and_a_clear_problem(
    db: Database, translator: Translator
) -> None:
    w = await make_notes_world(db)
    curator = await w.person("curator")
    other = await w.person("other_curator")
    assert (await consent.request_note(
        db, translator, curator=other, mentee_id=w.ids["mentee"], author_role="parent", now=NOW
    )).problem is RequestProblem.NOT_YOURS  # fmt: skip
    assert (await consent.request_note(
        db, translator, curator=curator, mentee_id=w.ids["mentee"], author_role="janitor", now=NOW
    )).problem is RequestProblem.BAD_ROLE  # fmt: skip
    outcome = await consent.request_note(
        db, translator, curator=curator, mentee_id=w.ids["mentee"], author_role="parent", now=NOW
    )
    again = await consent.request_note(
        db, translator, curator=curator, mentee_id=w.ids["mentee"], author_role="parent", now=NOW
    )
    assert again.request_id == outcome.request_id and again.reasked, "asked again, not doubled"
    assert outcome.request_id is not None
    check = await writing.enter_note(
        db, translator, curator=curator, request_id=outcome.request_id, text="x", now=NOW
    )
    assert check == (None, NoteProblem.NO_CONSENT)


async def test_a_minor_needs_his_parent_asked_in_the_parents_chat(
    db: Database, translator: Translator
) -> None:
    w = await make_notes_world(db)
    curator = await w.person("curator")
    async with db.begin() as conn:
        await people_store.set_birth_date(conn, w.ids["mentee"], date(2012, 3, 1))
    ask = partial(
        consent.request_note, db, translator, curator=curator, mentee_id=w.ids["mentee"],
        author_role="class_teacher", now=NOW,
    )  # fmt: skip
    assert (await ask()).problem is RequestProblem.NO_PARENT_CONSENT
    await record_paper_consent(
        db, person_id=w.ids["mentee"], recorded_by="curator", text_version="1", actor_person_id=None
    )
    assert (await ask()).problem is RequestProblem.PARENT_NOT_IN_CHAT
    async with db.begin() as conn:
        await consents_store.grant(
            conn, w.ids["mentee"], kind="parent", text_version="1",
            granted_by="Аннова Мария", granted_by_telegram_id=620_000,
        )  # fmt: skip
    outcome = await ask()
    assert outcome.problem is None and outcome.request_id is not None
    assert {chat for chat, _ in await consent_rows(db)} == {610_003, 620_000}

    async def press(party: str, answer: str, telegram_id: int) -> ConsentStep:
        assert outcome.request_id is not None
        return await consent.answer_consent(
            db, translator, request_id=outcome.request_id, party=party, answer=answer,
            telegram_id=telegram_id, now=NOW,
        )  # fmt: skip

    assert await press("parent", "yes", 610_003) is ConsentStep.STALE, "the child is no parent"
    assert await press("mentee", "yes", 610_003) is ConsentStep.ASK_MENTOR
    assert await press("mentee", "mentor_yes", 610_003) is ConsentStep.WAITING
    assert await press("parent", "yes", 620_000) is ConsentStep.ASK_MENTOR
    assert await press("parent", "mentor_no", 620_000) is ConsentStep.COMPLETE
    async with db.connect() as conn:
        request = await note_store.get_request(conn, outcome.request_id)
    assert request is not None and not consent.mentor_may_see(request), "both must agree"


# --- who reads ------------------------------------------------------------------------------------
async def test_visibility_curator_mentor_and_others_with_audit(
    db: Database, translator: Translator
) -> None:
    w = await make_notes_world(db)
    curator = await w.person("curator")
    hidden = await agreed_request(w, translator, mentor=False)
    shown = await agreed_request(w, translator, mentor=True, role="social_worker")
    for request_id, text in ((hidden, "Только куратору"), (shown, "И наставнику")):
        assert (await writing.enter_note(
            db, translator, curator=curator, request_id=request_id, text=text, now=NOW
        ))[1] is None  # fmt: skip

    view = await access.curator_view(db, curator, w.ids["mentee"], via="test")
    assert view is not None and [n.text for n in view.notes] == ["Только куратору", "И наставнику"]
    assert await access.curator_view(db, await w.person("other_curator"), w.ids["mentee"], via="test") is None  # fmt: skip
    assert await access.curator_view(db, await w.person("mentor"), w.ids["mentee"], via="test") is None  # fmt: skip
    mine = await access.mentor_notes(db, await w.person("mentor"), via="test")
    assert [(m.mentee_id, [n.text for n in m.notes]) for m in mine] == [
        (w.ids["mentee"], ["И наставнику"])
    ]
    assert await access.mentor_notes(db, await w.person("other_mentor"), via="test") == []
    assert await access.mentor_notes(db, await w.person("mentee"), via="test") == []

    reads = await audit_rows(db, "note.read")
    assert [(actor, details["as"]) for actor, _, details in reads] == [
        (w.ids["curator"], "curator"),
        (w.ids["curator"], "curator"),
        (w.ids["mentor"], "mentor"),
    ]
    mentee = await w.person("mentee")
    note = view.notes[0]
    assert access.reader_as(mentee, note, {w.ids["mentor"]}) is None
    assert access.reader_as(await w.person("other_curator"), note, set()) is None
