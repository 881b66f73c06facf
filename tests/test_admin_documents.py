"""The back office's documents: a curator downloads the order, letters, note and practices;
uploads the school's own template (a broken one is refused with a reason and nothing is
lost), resets it; says who signs; another school's papers stay out of reach."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from urllib.parse import quote

import aiohttp
import pytest
from docx import Document

from storage.db import Database
from tests.admin_web import AdminWeb, Agent, make_person
from tests.documents_school import SCHOOL_NAME, DocumentsSchool, build_documents_school
from tests.docx_reading import all_text, paragraphs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
async def school(db: Database) -> DocumentsSchool:
    return await build_documents_school(db)


async def _curator(web: AdminWeb, db: Database, org: int) -> Agent:
    return await web.signed_in(await make_person(db, "Кураторова Елена", "curator", org))


async def _download(agent: Agent, path: str) -> bytes:
    response = await agent.get(path)
    assert response.status == 200, agent.last_text[:500]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return await response.read()


def _own_template(*lines: str) -> bytes:
    """The shipped order template with a line of the school's own on top."""
    from reports.documents import default_template

    document = Document(io.BytesIO(default_template("order")))
    first = document.paragraphs[0]
    for line in lines:
        first.insert_paragraph_before(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def _upload(
    agent: Agent, org: int, kind: str, content: bytes, name: str
) -> aiohttp.ClientResponse:
    form = aiohttp.FormData()
    form.add_field("file", content, filename=name, content_type=DOCX)
    return await agent.post(f"/admin/documents/{org}/templates/{kind}", form)


async def test_a_curator_downloads_every_document(
    web: AdminWeb, db: Database, school: DocumentsSchool
) -> None:
    web.clock.now = datetime(2027, 5, 30, 9, tzinfo=UTC)  # the year's letters are due
    agent = await _curator(web, db, school.school)
    page = await agent.get("/admin/documents")
    assert page.status == 303, "one organisation: straight to its documents"
    await agent.get(f"/admin/documents/{school.school}")
    assert "Приказ № 12-о от 01.10.2026" in agent.last_text
    assert "Приказ № 3-о от 01.10.2025" in agent.last_text

    response = await agent.get(f"/admin/documents/{school.school}/order.docx")
    assert response.content_type == DOCX
    assert quote("Приказ № 12-о от 01.10.2026.docx") in response.headers["Content-Disposition"]
    order = await response.read()
    assert "Белова Анна Сергеевна, 7 класс" in all_text(order)
    older = await _download(
        agent,
        f"/admin/documents/{school.school}/order.docx?number=%E2%84%96+3-%D0%BE&date=2025-10-01",
    )
    assert "Ершова Вера Павловна" in all_text(older)

    letters = await _download(agent, f"/admin/documents/{school.school}/letters.docx?year=2026")
    assert "Орлову Петру Андреевичу" in paragraphs(letters)
    packed = await _download(agent, f"/admin/documents/{school.school}/letters.zip?year=2026")
    assert len(zipfile.ZipFile(io.BytesIO(packed)).namelist()) == 3
    note = await _download(agent, f"/admin/documents/{school.school}/note.docx?period=2026")
    assert "за 2026/27 учебный год" in all_text(note)
    practices = await _download(
        agent, f"/admin/documents/{school.school}/practices.docx?quarter=2026-Q3"
    )
    assert "Клуб юных инженеров" in all_text(practices)

    nothing = await agent.get(f"/admin/documents/{school.school}/letters.docx?year=2024")
    assert nothing.status == 303 and "problem=nothing" in nothing.headers["Location"]
    await agent.get(nothing.headers["Location"])
    assert "Благодарить пока некого" in agent.last_text or "пока нет данных" in agent.last_text
    bad = await agent.get(f"/admin/documents/{school.school}/note.docx?period=2026-Q9")
    assert "problem=bad_period" in bad.headers["Location"]


async def test_the_pairs_page_links_to_the_order(
    web: AdminWeb, db: Database, school: DocumentsSchool
) -> None:
    agent = await _curator(web, db, school.school)
    await agent.get(f"/admin/pairs/{school.school}")
    link = re.search(r'href="([^"]+/order\.docx)"[^>]*id="order-docx"', agent.last_text)
    assert link is not None
    assert "Скачать приказ (Word)" in agent.last_text
    order = all_text(await _download(agent, link.group(1)))
    assert "№ 12-о" in order and "Белова Анна Сергеевна, 7 класс" in order


async def test_an_own_template_is_used_until_reset_and_a_broken_one_changes_nothing(
    web: AdminWeb, db: Database, school: DocumentsSchool
) -> None:
    agent = await _curator(web, db, school.school)
    order_url = f"/admin/documents/{school.school}/order.docx"
    await agent.get(f"/admin/documents/{school.school}")
    uploaded = await _upload(
        agent, school.school, "order", _own_template("ШАПКА ШКОЛЫ № 5"), "наш приказ.docx"
    )
    assert uploaded.status == 303 and "done=uploaded" in uploaded.headers["Location"]
    await agent.get(uploaded.headers["Location"])
    row = agent.last_text.split('data-kind="order"', 1)[1].split("</tr>", 1)[0]
    assert "Шаблон загружен" in agent.last_text and "свой: наш приказ.docx" in row
    assert "ШАПКА ШКОЛЫ № 5" in paragraphs(await _download(agent, order_url))

    refused = {
        "not_docx": (b"just some text", "Это не документ Word"),
        "unknown_field": (_own_template("{{ school.nmae }}"), "неизвестное поле"),
        "syntax": (_own_template("{% if %}"), "Шаблон не собирается"),
    }
    for content, message in refused.values():
        response = await _upload(agent, school.school, "order", content, "сломанный.docx")
        assert response.status == 400
        assert message in agent.last_text, "the reason, in words"
        assert "ШАПКА ШКОЛЫ № 5" in paragraphs(await _download(agent, order_url)), "nothing lost"
    empty = aiohttp.FormData()
    empty.add_field("file", b"", filename="", content_type=DOCX)
    response = await agent.post(f"/admin/documents/{school.school}/templates/order", empty)
    assert response.status == 400 and "Выберите файл шаблона" in agent.last_text

    template = await _download(agent, f"/admin/documents/{school.school}/templates/order.docx")
    assert "ШАПКА ШКОЛЫ № 5" in paragraphs(template), "the template in use, to edit in Word"

    await agent.get(f"/admin/documents/{school.school}")
    reset = await agent.post(f"/admin/documents/{school.school}/templates/order/reset", {})
    assert "done=was_reset" in reset.headers["Location"]
    assert "ШАПКА ШКОЛЫ № 5" not in paragraphs(await _download(agent, order_url))
    await agent.get("/admin/audit")
    assert "Загружен свой шаблон документа" in agent.last_text
    assert "Восстановлен стандартный шаблон документа" in agent.last_text


async def test_the_head_signs_and_is_edited_on_the_organisation_page(
    web: AdminWeb, db: Database, school: DocumentsSchool
) -> None:
    agent = await _curator(web, db, school.school)
    await agent.get(f"/admin/organisations/{school.school}")
    assert 'value="Петрова Ирина Сергеевна"' in agent.last_text
    saved = await agent.post(
        f"/admin/organisations/{school.school}/head",
        {"head_name": "  Сидорова   Анна Ильинична ", "head_position": "И. о. директора"},
    )
    assert "done=head" in saved.headers["Location"]
    await agent.get(saved.headers["Location"])
    assert "Данные руководителя сохранены." in agent.last_text
    order = all_text(await _download(agent, f"/admin/documents/{school.school}/order.docx"))
    assert "И. о. директора" in order and "А.И.\u00a0Сидорова" in order


async def test_others_read_only_or_not_at_all(
    web: AdminWeb, db: Database, school: DocumentsSchool
) -> None:
    stranger = await _curator(web, db, school.other_school)
    for path in (
        f"/admin/documents/{school.school}",
        f"/admin/documents/{school.school}/order.docx",
        f"/admin/documents/{school.school}/templates/order.docx",
    ):
        assert (await stranger.get(path)).status == 404
    await stranger.get(f"/admin/documents/{school.other_school}")
    forged = await _upload(stranger, school.school, "order", _own_template("ЧУЖОЕ"), "x.docx")
    assert forged.status == 404

    coordinator_id = await make_person(db, "Координаторов Олег", "coordinator", school.school)
    coordinator = await web.signed_in(coordinator_id)
    await coordinator.get(f"/admin/documents/{school.school}")
    assert "Загрузить свой" not in coordinator.last_text
    assert SCHOOL_NAME in coordinator.last_text
    refused = await _upload(coordinator, school.school, "order", _own_template("X"), "x.docx")
    assert refused.status == 403
    note = all_text(await _download(coordinator, "/admin/documents/all/note.docx?period=2026"))
    assert SCHOOL_NAME in note and "И.С.\u00a0Петрова" in note, "one school: its head signs"
