"""The real process: the curator asks for cases → the mentor gets the request and writes up
his pair's result in chat with a photo → the curator selects it → it is in the analytical
note (read back from the .docx) and in the «Кейсы наставничества» document in chat."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from i18n import load_translator
from mentoring.documents.notes import DocumentScope, note_document
from mentoring.stats.periods import school_year_of
from sandbox import SandboxClient, SandboxServer
from storage import cases as case_store
from tests.docx_reading import all_text, paragraphs
from tests.test_e2e_reminders import bot_process, make_world, outbox_rows, wait_rows

pytestmark = pytest.mark.e2e

GOAL = "Подготовить исследовательский проект к конференции"
WORK = "Восемь встреч: тема, план исследования, опыты и две репетиции"
RESULT = "Проект занял второе место на городской конференции"


async def test_curator_asks_mentor_writes_curator_selects_and_the_note_has_it(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    async with SandboxClient(sandbox.base_url) as sb:
        w = await make_world(tmp_path, sb)
        mentor, curator = w.users["mentor"], w.users["curator"]
        bot = bot_process(tmp_path, w, sandbox)
        try:
            await bot.start()
            await curator.send("/cases")
            listing = await curator.wait_for_message(
                lambda m: "Описания результатов пар" in m.content, timeout=15
            )
            assert "Описаний пока нет" in listing.content
            await curator.press(listing, "Попросить наставников описать итоги")
            asked = await curator.wait_for_message(
                lambda m: "Запрос отправлен наставникам" in m.content, timeout=15
            )
            assert "наставникам: 1." in asked.content
            await wait_rows(w.db, "case_request", 1)

            request = await mentor.wait_for_message(
                lambda m: "Описать результат" in m.button_texts(), timeout=20
            )
            assert "Опишите, пожалуйста, результат" in request.content
            await mentor.press(request, "Описать результат")
            await mentor.wait_for_message(lambda m: "1/3" in m.content, timeout=15)
            await mentor.send_sticker()
            await mentor.wait_for_message(lambda m: "текстом" in m.content, timeout=15)
            await mentor.send(GOAL)
            await mentor.wait_for_message(lambda m: "2/3" in m.content, timeout=15)
            await mentor.send(WORK)
            await mentor.wait_for_message(lambda m: "3/3" in m.content, timeout=15)
            await mentor.send(RESULT)
            await mentor.wait_for_message(lambda m: "фотографий" in m.content, timeout=15)
            await mentor.send_photo(caption="Выступление на конференции")
            added = await mentor.wait_for_message(lambda m: "Фото 1 из 3" in m.content, timeout=15)
            await mentor.press(added, "Готово")
            summary = await mentor.wait_for_message(
                lambda m: "Сохранить" in m.button_texts(), timeout=15
            )
            assert GOAL in summary.content and "Фотографий: 1" in summary.content
            await mentor.press(summary, "Сохранить")
            await mentor.wait_for_message(lambda m: "сохранено" in m.content, timeout=15)

            await curator.send("/cases")
            listing = await curator.wait_for_message(
                lambda m: "Выбрано кейсов: 0 из 1" in m.content, timeout=15
            )
            assert GOAL in listing.content
            chosen = await curator.press(listing, "1. ☆ Выбрать")
            answer = await curator.wait_for_answer(chosen, timeout=15)
            assert answer.text == "Выбрано кейсом."
            await curator.press(listing, "📄 Кейсы (Word)")
            document = await curator.wait_for_message(lambda m: m.kind == "document", timeout=20)
            assert document.file is not None and document.file.data is not None
            assert RESULT in all_text(document.file.data)
        finally:
            bot.stop()

        year = school_year_of(datetime.now(UTC).date())
        async with w.db.connect() as conn:
            [writeup] = await case_store.of_organisations(conn, [w.org], year)
        assert writeup.selected and len(writeup.photos) == 1
        assert [row[1] for row in await outbox_rows(w.db, "case_request")] == ["sent"]
        scope = DocumentScope(frozenset({w.org}), "Школа № 5")
        note = await note_document(w.db, load_translator(), scope, str(year), datetime.now(UTC))
        assert note is not None
        text = paragraphs(note.content)
        assert "Кейсы наставничества" in text
        assert f"Цель: {GOAL}" in text and f"Результат: {RESULT}" in text
        assert any("Смирнова Ольга" in line for line in text)
        await w.db.close()
