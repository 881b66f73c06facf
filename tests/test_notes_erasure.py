"""/forget and notes: a mentee's forgetting erases the notes about him and his requests with
their links; an author's forgetting erases the notes he wrote (through a link or as curator)."""

from __future__ import annotations

from sqlalchemy import func, select

from i18n import Translator
from mentoring.notes import writing
from mentoring.people.erasure import forget_person
from storage import notes as note_store
from storage.db import Database
from storage.schema import note_requests, notes
from surveys.definitions import load_definitions
from tests.test_notes_service import NOW, NotesWorld, agreed_request, make_notes_world


async def _code(db: Database, request_id: int) -> str:
    async with db.connect() as conn:
        request = await note_store.get_request(conn, request_id)
    assert request is not None and request.code
    return request.code


async def _forget(w: NotesWorld, translator: Translator, role: str) -> None:
    await forget_person(w.db, translator, load_definitions(), await w.person(role), now=NOW)


async def _count(db: Database, table: object) -> int:
    async with db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_forgetting_the_author_erases_the_notes_he_wrote(
    db: Database, translator: Translator
) -> None:
    w = await make_notes_world(db)
    by_link = await agreed_request(w, translator, mentor=True)
    by_curator = await agreed_request(w, translator, mentor=False, role="psychologist")
    # a teacher who is also a mentor in the programme writes through the link
    assert (await writing.write_by_link(
        db, translator, code=await _code(db, by_link), text="Пишет учитель", telegram_id=610_004,
        now=NOW,
    ))[1] is None  # fmt: skip
    assert (await writing.enter_note(
        db, translator, curator=await w.person("curator"), request_id=by_curator,
        text="Со слов психолога", now=NOW,
    ))[1] is None  # fmt: skip

    await _forget(w, translator, "other_mentor")
    async with db.connect() as conn:
        left = [n.text for n in await note_store.notes_of_mentee(conn, w.ids["mentee"])]
    assert left == ["Со слов психолога"]
    await _forget(w, translator, "curator")
    assert await _count(db, notes) == 0
    async with db.connect() as conn:
        requests = await note_store.requests_of_mentee(conn, w.ids["mentee"])
    assert requests and all(r.requested_by is None for r in requests)


async def test_forgetting_the_mentee_erases_notes_requests_and_links(
    db: Database, translator: Translator
) -> None:
    w = await make_notes_world(db)
    written = await agreed_request(w, translator, mentor=True)
    pending = await agreed_request(w, translator, mentor=True, role="parent")
    open_code = await _code(db, pending)
    assert (await writing.write_by_link(
        db, translator, code=await _code(db, written), text="Секретная записка", telegram_id=99,
        now=NOW,
    ))[1] is None  # fmt: skip

    await _forget(w, translator, "mentee")
    assert await _count(db, notes) == 0
    assert await _count(db, note_requests) == 0
    check = await writing.check_link(db, open_code, NOW, telegram_id=98)
    assert check.problem is writing.NoteProblem.UNKNOWN, "the open link no longer works"
