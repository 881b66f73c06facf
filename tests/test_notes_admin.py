"""Notes on the mentee's person page in the back office: his curator requests a note (no link
until the mentee agrees), enters one on an agreed request, reads it (audited); another
school's curator sees no section, and a forged form is refused."""

from __future__ import annotations

from i18n import Translator
from mentoring.notes import consent
from storage import notes as note_store
from tests.admin_web import AdminWeb
from tests.test_notes_service import audit_rows, make_notes_world


async def test_person_page_requests_enters_and_reads_notes(
    web: AdminWeb, translator: Translator
) -> None:
    db = web.db
    w = await make_notes_world(db)
    mentee = w.ids["mentee"]
    curator = await web.signed_in(w.ids["curator"])

    await curator.get(f"/admin/people/{mentee}")
    section = curator.last_text.split('id="notes"', 1)[1].split("</section>", 1)[0]
    assert "Записок пока нет" in section and "Запросить записку" in section
    response = await curator.post(f"/admin/people/{mentee}/notes/request", {"role": "psychologist"})
    assert response.status == 303
    await curator.get(response.headers["Location"])
    section = curator.last_text.split('id="notes"', 1)[1].split("</section>", 1)[0]
    assert "Вопрос о согласии отправлен" in section
    assert "ждём согласия наставляемого" in section and "?start=" not in section
    async with db.connect() as conn:
        [request] = await note_store.requests_of_mentee(conn, mentee)
    response = await curator.post(
        f"/admin/people/{mentee}/notes/enter", {"request": str(request.id), "text": "Текст"}
    )
    await curator.get(response.headers["Location"])
    assert "согласия наставляемого на неё нет" in curator.last_text, "no consent, no note"

    # the mentee agrees in the chat
    for answer in ("yes", "mentor_no"):
        await consent.answer_consent(
            db, translator, request_id=request.id, party="mentee", answer=answer,
            telegram_id=610_003, now=web.clock(),
        )  # fmt: skip
    await curator.get(f"/admin/people/{mentee}")
    section = curator.last_text.split('id="notes"', 1)[1].split("</section>", 1)[0]
    assert "?start=n_" in section
    too_long = "я" * 2001
    response = await curator.post(
        f"/admin/people/{mentee}/notes/enter", {"request": str(request.id), "text": too_long}
    )
    await curator.get(response.headers["Location"])
    assert "длиннее 2000 знаков" in curator.last_text
    response = await curator.post(
        f"/admin/people/{mentee}/notes/enter",
        {"request": str(request.id), "text": "Со слов психолога: <тревожность> перед экзаменами"},
    )
    await curator.get(response.headers["Location"])
    section = curator.last_text.split('id="notes"', 1)[1].split("</section>", 1)[0]
    assert "Записка сохранена" in section
    assert "Педагог-психолог" in section and "&lt;тревожность&gt;" in section
    assert [actor for actor, _, _ in await audit_rows(db, "note.read")] == [w.ids["curator"]]

    stranger = await web.signed_in(w.ids["other_curator"])
    response = await stranger.get(f"/admin/people/{mentee}")
    assert response.status == 404 or "тревожность" not in stranger.last_text
    forged = await stranger.post(
        f"/admin/people/{mentee}/notes/enter", {"request": str(request.id), "text": "x"}
    )
    assert forged.status in (403, 404)
    assert [actor for actor, _, _ in await audit_rows(db, "note.read")] == [w.ids["curator"]]
