"""The school's documents read back as a curator reads them: the order and its annex, the
thank-you letters with names in the dative, the analytical note's figures, the practices.
The fixture is tests/documents_school.py; its docstring says where each figure comes from."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from docx.shared import Mm

from i18n import Translator
from mentoring.documents.letters import letters_document
from mentoring.documents.notes import DocumentScope, note_document, practices_document
from mentoring.documents.orders import order_choices, order_document
from storage.db import Database
from tests.documents_school import (
    LETTERS_DAY,
    PARTNER_NAME,
    SCHOOL_NAME,
    DocumentsSchool,
    build_documents_school,
)
from tests.docx_reading import all_text, opened, paragraphs, rows

NBSP = "\u00a0"
SHY = "\u00ad"


def _spaced(text: str) -> str:
    """Percentages keep their sign on the line with a non-breaking space: read as a space."""
    return text.replace(NBSP, " ")


@pytest.fixture
async def school(db: Database) -> DocumentsSchool:
    return await build_documents_school(db)


async def test_the_order_names_its_pairs_in_the_annex(
    db: Database, translator: Translator, school: DocumentsSchool
) -> None:
    document = await order_document(db, translator, school.school)
    assert document is not None and document.file_name == "Приказ № 12-о от 01.10.2026.docx"
    text = paragraphs(document.content)
    assert text[:2] == [SCHOOL_NAME, "ПРИКАЗ"]
    heading = rows(document.content, 0)
    assert heading == [[f"1 октября 2026{NBSP}г.", "№ 12-о"]], "one «№», the date in words"
    assert "на 2026/27 учебный год" in text
    assert any("пар и групп — 3, наставляемых — 4" in line for line in text)
    assert ["Директор", "____________", f"И.С.{NBSP}Петрова"] in rows(document.content, 1)
    acquainted = [row[0] for row in rows(document.content, 2)]
    assert acquainted == [
        f"Орлов{NBSP}П.А.",
        f"Иванов{NBSP}И.П.",
        f"Смирнова{NBSP}О.В.",
    ]
    assert f"к приказу от 1 октября 2026{NBSP}г. № 12-о" in text
    annex = rows(document.content, 3)
    assert [cell.replace(SHY, "") for cell in annex[0]] == [
        "№ п/п",
        "Наставник (ФИО, должность)",
        "Наставляемый (ФИО, класс или должность)",
        "Форма наставничества",
        "Сроки реализации программы",
    ]
    assert annex[1:] == [
        [
            "1",
            "Орлов Пётр Андреевич, 10 класс",
            "Белова Анна Сергеевна, 7 класс",
            "ученик — ученик",
            "с 01.10.2026 по 31.05.2027",
        ],
        [
            "2",
            "Орлов Пётр Андреевич, 10 класс",
            "Ким Саша, 8 класс",
            "ученик — ученик",
            "с 01.10.2026 по 31.05.2027",
        ],
        [
            "3",
            "Иванов Иван Петрович, педагог",
            "Соколова Мария Игоревна, молодой специалист",
            "учитель — учитель",
            "с 01.10.2026 по 31.03.2027",
        ],
        [
            "4",
            "Смирнова Ольга Викторовна, инженер, ООО «Ромашка»",
            "Зайцев Никита Олегович, 9Б",  # the school's own list wins over the intake
            "работодатель — ученик",
            "с 01.10.2026 по 30.06.2027",
        ],
    ]


async def test_an_older_order_is_found_by_its_number_with_or_without_the_sign(
    db: Database, translator: Translator, school: DocumentsSchool
) -> None:
    choices = await order_choices(db, school.school)
    assert [(c.number, c.day.isoformat(), c.pairs) for c in choices] == [
        ("№ 12-о", "2026-10-01", 3),
        ("№ 3-о", "2025-10-01", 1),
    ]
    older = await order_document(db, translator, school.school, number="3-о")
    assert older is not None
    annex = rows(older.content, 3)
    # An order records what was decided that day: the pair dissolved since is still in it,
    # and a pair without a plan runs to 31 May of the school year.
    assert annex[1][1:3] == ["Ершова Вера Павловна", "Лебедев Глеб"]
    assert annex[1][4] == "с 01.10.2025 по 31.05.2026"
    assert await order_document(db, translator, school.school, number="99") is None
    assert await order_document(db, translator, school.other_school) is None


async def test_thank_you_letters_go_to_mentors_who_completed_the_year_and_the_partner(
    db: Database, translator: Translator, school: DocumentsSchool
) -> None:
    document = await letters_document(db, translator, school.school, 2026, LETTERS_DAY)
    assert document is not None and document.items == 3
    text = paragraphs(document.content)
    addressees = [line for line in text if line.endswith(("ичу", "овне", "евне"))]
    assert addressees == [
        "Иванову Ивану Петровичу",
        "Орлову Петру Андреевичу",
        "Кузнецову Олегу Игоревичу",
    ], "in the dative; Смирнова's pair did not finish its programme"
    assert "Уважаемый Иван Петрович!" in text and "Уважаемый Пётр Андреевич!" in text
    assert f"Руководителю {PARTNER_NAME}" in text
    assert any(
        "Наставляемые: Белова Анна Сергеевна, Ким Саша." in line
        and "Проведено встреч за учебный год: 3." in line
        for line in text
    )
    assert any(f"Наставники организации (Смирнова{NBSP}О.В.)" in line for line in text)
    assert text.count(f"30 мая 2027{NBSP}г.") == 3
    starts = [
        p for p in opened(document.content).paragraphs if p.paragraph_format.page_break_before
    ]
    assert [p.text for p in starts] == [SCHOOL_NAME] * 3, "a page for each letter"


async def test_letters_one_per_person_in_a_zip(
    db: Database, translator: Translator, school: DocumentsSchool
) -> None:
    document = await letters_document(
        db, translator, school.school, 2026, LETTERS_DAY, one_per_person=True
    )
    assert document is not None and document.media_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(document.content)) as archive:
        names = archive.namelist()
        letters = [archive.read(name) for name in names]
    assert names == [
        "001 Иванов Иван Петрович.docx",
        "002 Орлов Пётр Андреевич.docx",
        "003 ООО Ромашка.docx",
    ]
    assert "Орлову Петру Андреевичу" in paragraphs(letters[1])
    assert "Иванову Ивану Петровичу" not in paragraphs(letters[1])
    assert "Кузнецову Олегу Игоревичу" in paragraphs(letters[2])


async def test_before_anything_finished_nobody_is_thanked(
    db: Database, translator: Translator, school: DocumentsSchool
) -> None:
    from datetime import date

    # In November the group has met but no programme is over and no final meeting was held.
    early = await letters_document(db, translator, school.school, 2026, date(2026, 11, 30))
    assert early is not None and early.items == 1, "only the partner: its mentor met a pair"
    assert "Кузнецову Олегу Игоревичу" in paragraphs(early.content)
    assert await letters_document(db, translator, school.school, 2024, LETTERS_DAY) is None


async def test_the_analytical_note_tells_the_figures(
    db: Database, translator: Translator, school: DocumentsSchool
) -> None:
    scope = DocumentScope(frozenset({school.school}), SCHOOL_NAME)
    document = await note_document(
        db, translator, scope, "2026", datetime(2027, 5, 30, 9, tzinfo=UTC)
    )
    assert document is not None
    text = all_text(document.content)
    assert "АНАЛИТИЧЕСКАЯ СПРАВКА" in text and "за 2026/27 учебный год" in text
    assert "участвовали наставляемых — 4, наставников — 3" in text
    assert "Проведено встреч за период — 6." in text
    by_form = rows(document.content, 0)
    assert [row[0] for row in by_form[1:]] == [
        "ученик — ученик",
        "учитель — учитель",
        "работодатель — ученик",
    ]
    assert by_form[1][1:] == ["1", "1", "0", "2", "3"]
    assert rows(document.content, 1)[1:] == [
        ["встреча-знакомство", "2"],
        ["встреча-планирование", "1"],
        ["регулярная встреча", "2"],
        ["итоговая встреча", "1"],
    ]
    satisfaction = [[_spaced(cell) for cell in row] for row in rows(document.content, 2)]
    assert satisfaction[1] == ["Наставляемые", "3 из 4", "66,7 %", "76,7", "7,9"]
    kpis = {row[0]: [_spaced(c) for c in row[1:]] for row in rows(document.content, 3)[1:]}
    assert kpis["Дети 10–19 лет в роли наставляемых, %"] == [
        "2,5 % (2 из 80)",
        "70 %",
        "не достигнуто",
    ]
    assert kpis["Организации-партнёры, давшие наставников, %"][2] == "нет данных"
    assert kpis["ОО, внедряющие модель для педагогов, %"][2] == "достигнуто"
    assert "Не достигнуты: дети 10–19 лет в роли наставляемых — 2,5 % при целевом" in _spaced(text)
    assert "достигнуто — 1, не достигнуто — 4, нет данных — 2" in text
    shapes = opened(document.content).inline_shapes
    assert len(shapes) == 1 and abs(shapes[0].width - Mm(160)) < Mm(1), "the KPI chart"
    assert f"И.С.{NBSP}Петрова" in text


async def test_a_note_for_a_municipality_is_signed_by_its_coordinator(
    db: Database, translator: Translator, school: DocumentsSchool
) -> None:
    scope = DocumentScope(None, "г. Тула", municipality="г. Тула")
    document = await note_document(
        db, translator, scope, "2026-H1", datetime(2027, 7, 1, tzinfo=UTC)
    )
    assert document is not None
    text = all_text(document.content)
    assert "за 1-е полугодие 2027 года" not in text  # 2026-H1 is January–June 2026
    assert "за 1-е полугодие 2026 года" in text
    assert "Охват: г. Тула (организаций — 3)." in text
    assert "Координатор программы наставничества" in text
    with pytest.raises(ValueError):
        await note_document(db, translator, scope, "2026-X", datetime(2027, 7, 1, tzinfo=UTC))


async def test_the_quarters_practices_with_links_and_the_deadline(
    db: Database, translator: Translator, school: DocumentsSchool
) -> None:
    mine = DocumentScope(frozenset({school.school}), SCHOOL_NAME)
    document = await practices_document(
        db, translator, mine, "2026-Q3", datetime(2026, 10, 2, tzinfo=UTC)
    )
    assert document is not None
    text = all_text(document.content)
    assert "за III квартал 2026 года" in text and "2026-Q3" not in text
    assert f"Срок представления — не позднее 5 октября 2026{NBSP}г." in text
    table = rows(document.content, 0)
    assert table[1][:4] == ["1", SCHOOL_NAME, "Клуб юных инженеров", "работодатель — ученик"]
    assert table[1][4] == "https://school5.example.ru/practice?id=1&x=2", "escaped, not cut"
    relations = opened(document.content).part.rels.values()
    assert any(r.reltype.endswith("/hyperlink") and "school5" in r.target_ref for r in relations)
    area = DocumentScope(None, "г. Тула", municipality="г. Тула")
    municipal = await practices_document(
        db, translator, area, "2026-Q3", datetime(2026, 10, 2, tzinfo=UTC)
    )
    assert municipal is not None
    assert f"не позднее 10 октября 2026{NBSP}г." in all_text(municipal.content)
    empty = await practices_document(db, translator, mine, "2026-Q4", datetime.now(UTC))
    assert empty is not None and "Практики за квартал не представлены." in all_text(empty.content)
