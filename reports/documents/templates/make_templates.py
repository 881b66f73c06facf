"""Writes the default .docx templates of the school's paperwork (run once; the files are
committed beside this script and shipped as package data):

    .venv/bin/python -m reports.documents.templates.make_templates

Each template is an ordinary Word document with docxtpl's Jinja placeholders: `{{ … }}` in
text, `{%p … %}` as a paragraph of its own, `{%tr … %}` as a table row of its own. An
organisation may replace any of them in the back office; the fields each one receives are
listed in README ("Documents") and checked by rendering a sample before an upload is taken.
The texts are the organisation's: a curator edits them in Word like any letter.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table

HERE = Path(__file__).parent
FONT = "Times New Roman"
LEFT, CENTER, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


def new_document(*, size: float = 14, landscape: bool = False) -> DocumentObject:
    """A4, fields of an official document (ГОСТ Р 7.0.97: 30 mm on the left), one font."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    package = doc.part.package
    for key, relation in list(package.rels.items()):  # python-docx's stock preview picture
        if relation.reltype.endswith("/thumbnail"):
            del package.rels[key]
    doc.core_properties.author = "mentorbot"
    doc.core_properties.language = "ru-RU"
    return doc


def para(
    doc: DocumentObject,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH = LEFT,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    page_break: bool = False,
    keep: bool = False,
    spacing: float | None = None,
) -> None:
    """One paragraph: `indent` is the first-line indent of running text (1.25 cm)."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.page_break_before = page_break
    fmt.keep_with_next = keep
    if indent:
        fmt.first_line_indent = Cm(1.25)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = Pt(size)
        if spacing is not None:  # letter-spacing of a heading such as «П Р И К А З»
            rpr = run._element.get_or_add_rPr()
            node = OxmlElement("w:spacing")
            node.set(qn("w:val"), str(int(spacing * 20)))
            rpr.append(node)


def cell_text(
    table: Table,
    row: int,
    column: int,
    text: str,
    *,
    align: WD_ALIGN_PARAGRAPH = LEFT,
    bold: bool = False,
    size: float | None = None,
) -> None:
    paragraph = table.cell(row, column).paragraphs[0]
    paragraph.paragraph_format.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)


def widths(table: Table, *cm: float) -> None:
    """Column widths, in the grid (what LibreOffice reads) and in every cell (Word)."""
    table.autofit = False
    for column, width in zip(table.columns, cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, cm, strict=True):
            cell.width = Cm(width)


def repeat_header(table: Table) -> None:
    """The first row repeats on every page the table runs onto."""
    trpr = table.rows[0]._tr.get_or_add_trPr()
    node = OxmlElement("w:tblHeader")
    node.set(qn("w:val"), "true")
    trpr.append(node)


def signature(doc: DocumentObject, position: str, name: str, *, before: float = 24) -> None:
    """«Директор ____________ И.О. Фамилия» on one line, as an order or a letter is signed."""
    para(doc, before=before)
    table = doc.add_table(rows=1, cols=3)
    widths(table, 7.5, 4.5, 4.5)
    cell_text(table, 0, 0, position)
    cell_text(table, 0, 1, "____________", align=CENTER)
    cell_text(table, 0, 2, name, align=RIGHT)


def keep_row(table: Table, row: int) -> None:
    """A row is never split across two pages."""
    trpr = table.rows[row]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def grid(
    doc: DocumentObject,
    header: list[str],
    row: list[str],
    cm: list[float],
    *,
    loop: str,
    size: float = 12,
    head_size: float | None = None,
    aligns: str = "",
) -> None:
    """A bordered table: the header (repeated on each page), then `row` once per item of
    `{%tr for … %}` (docxtpl removes the rows holding the loop's tags). `aligns`: a letter
    per column, l / c / r (left by default). Long header words carry soft hyphens."""
    table = doc.add_table(rows=4, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, text in enumerate(header):
        cell_text(table, 0, column, text, align=CENTER, bold=True, size=head_size or size)
    cell_text(table, 1, 0, "{%tr " + loop + " %}", size=size)
    placing = {"l": LEFT, "c": CENTER, "r": RIGHT}
    for column, text in enumerate(row):
        align = placing[aligns[column]] if column < len(aligns) else LEFT
        cell_text(table, 2, column, text, size=size, align=align)
    cell_text(table, 3, 0, "{%tr endfor %}", size=size)
    widths(table, *cm)
    repeat_header(table)
    keep_row(table, 2)


SHY = "\u00ad"  # a soft hyphen: where a long word may break in a narrow column


def order_template() -> DocumentObject:
    doc = new_document()
    para(doc, "{{ school.name }}", align=CENTER, bold=True)
    para(doc, "ПРИКАЗ", align=CENTER, bold=True, size=16, before=18, after=12, spacing=4)
    heading = doc.add_table(rows=1, cols=2)
    widths(heading, 8.25, 8.25)
    cell_text(heading, 0, 0, "{{ order.date }}")
    cell_text(heading, 0, 1, "№ {{ order.number }}", align=RIGHT)
    para(doc, "{%p if school.place %}")
    para(doc, "{{ school.place }}", align=CENTER, before=6)
    para(doc, "{%p endif %}")
    para(doc, "О закреплении наставнических пар (групп)", bold=True, before=18)
    para(doc, "на {{ order.school_year }} учебный год", bold=True, after=12)
    para(
        doc,
        "В соответствии с Положением о наставничестве, в целях реализации целевой модели "
        "наставничества и по итогам анкетирования наставников и наставляемых и формирования "
        "наставнических пар (групп)",
        align=JUSTIFY,
        indent=True,
    )
    para(doc, "ПРИКАЗЫВАЮ:", before=6, after=6)
    for number, text in enumerate(
        (
            "Закрепить наставнические пары (группы) в составе согласно приложению к настоящему "
            "приказу (пар и групп — {{ order.pairs }}, наставляемых — {{ order.mentees }}).",
            "Наставникам в течение месяца со дня издания приказа разработать совместно с "
            "наставляемыми персонализированные программы наставничества и представить их "
            "куратору на утверждение.",
            "Куратору программы наставничества обеспечить организацию встреч наставнических пар "
            "(групп), сбор обратной связи и мониторинг реализации программ.",
            "Контроль за исполнением настоящего приказа оставляю за собой.",
        ),
        start=1,
    ):
        para(doc, f"{number}. {text}", align=JUSTIFY, indent=True)
    signature(doc, "{{ head.position }}", "{{ head.initials }}")
    para(doc, "С приказом ознакомлены:", before=18, after=6)
    known = doc.add_table(rows=3, cols=3)
    cell_text(known, 0, 0, "{%tr for name in order.acquainted %}")
    cell_text(known, 1, 0, "{{ name }}", size=12)
    cell_text(known, 1, 1, "____________", align=CENTER, size=12)
    cell_text(known, 1, 2, "«___» ________ 20___ г.", align=RIGHT, size=12)
    cell_text(known, 2, 0, "{%tr endfor %}")
    widths(known, 6.5, 4.0, 6.0)

    para(doc, "Приложение", align=RIGHT, page_break=True)
    para(doc, "к приказу от {{ order.date }} № {{ order.number }}", align=RIGHT, after=12)
    para(doc, "Состав наставнических пар (групп)", align=CENTER, bold=True)
    para(doc, "на {{ order.school_year }} учебный год", align=CENTER, bold=True, after=12)
    grid(
        doc,
        [
            "№ п/п",
            "Наставник (ФИО, должность)",
            "Наставляемый (ФИО, класс или должность)",
            f"Форма наставни{SHY}чества",
            "Сроки реализации программы",
        ],
        [
            "{{ row.n }}",
            "{{ row.mentor }}{% if row.mentor_position %}, {{ row.mentor_position }}{% endif %}",
            "{{ row.mentee }}{% if row.mentee_position %}, {{ row.mentee_position }}{% endif %}",
            "{{ row.form }}",
            "{{ row.dates }}",
        ],
        [1.2, 4.6, 4.6, 3.0, 3.1],
        loop="for row in rows",
        aligns="clllc",
    )
    return doc


def letters_template() -> DocumentObject:
    doc = new_document()
    para(doc, "{%p for letter in letters %}")
    # Each letter starts a page; Word and LibreOffice leave no blank page before the first.
    para(doc, "{{ school.name }}", align=CENTER, bold=True, page_break=True)
    para(doc, "{%p if school.place %}")
    para(doc, "{{ school.place }}", align=CENTER)
    para(doc, "{%p endif %}")
    para(
        doc,
        "БЛАГОДАРСТВЕННОЕ ПИСЬМО",
        align=CENTER,
        bold=True,
        size=24,
        before=60,
        after=36,
        spacing=2,
    )
    para(doc, "{%p if letter.kind == 'partner' and letter.head %}")
    para(doc, "Руководителю {{ letter.organisation }}", align=CENTER, italic=True, size=16)
    para(doc, "{%p endif %}")
    para(doc, "{{ letter.addressee }}", align=CENTER, bold=True, size=18, after=24)
    para(doc, "{{ letter.greeting }}", align=CENTER, size=16, after=18)
    para(doc, "{%p if letter.kind == 'mentor' %}")
    para(
        doc,
        "Администрация {{ school.name }} выражает Вам искреннюю благодарность за участие в "
        "программе наставничества в {{ school_year }} учебном году: за знания, опыт и время, "
        "которые Вы отдали наставляемым, за внимание, терпение и поддержку.",
        align=JUSTIFY,
        indent=True,
        size=16,
        after=6,
    )
    para(
        doc,
        "Наставляемые: {{ letter.mentees }}. Форма наставничества: {{ letter.forms }}. "
        "Проведено встреч за учебный год: {{ letter.meetings }}.",
        align=LEFT,
        indent=True,
        size=16,
        after=6,
    )
    para(
        doc,
        "Желаем Вам новых профессиональных успехов, вдохновения и благодарных учеников!",
        align=JUSTIFY,
        indent=True,
        size=16,
    )
    para(doc, "{%p else %}")
    para(
        doc,
        "Администрация {{ school.name }} выражает искреннюю благодарность {{ letter.thanked }} "
        "за участие в реализации программы наставничества в {{ school_year }} учебном году. "
        "Наставники организации ({{ letter.mentors }}) щедро делились с нашими обучающимися "
        "профессиональным опытом.",
        align=JUSTIFY,
        indent=True,
        size=16,
        after=6,
    )
    para(
        doc,
        "Надеемся на дальнейшее плодотворное сотрудничество!",
        align=JUSTIFY,
        indent=True,
        size=16,
    )
    para(doc, "{%p endif %}")
    signature(doc, "{{ head.position }}", "{{ head.initials }}", before=60)
    para(doc, "{{ date }}", before=24)
    para(doc, "{%p endfor %}")
    return doc


def note_template() -> DocumentObject:
    doc = new_document()
    para(doc, "{{ title }}", align=CENTER, bold=True)
    para(doc, "АНАЛИТИЧЕСКАЯ СПРАВКА", align=CENTER, bold=True, size=16, before=18)
    para(doc, "о реализации целевой модели наставничества", align=CENTER, bold=True)
    para(doc, "за {{ period }}", align=CENTER, bold=True, after=18)
    para(doc, "{%p if organisations > 1 %}")
    para(doc, "Охват: {{ scope }} (организаций — {{ organisations }}).", align=JUSTIFY, indent=True)
    para(doc, "{%p endif %}")

    para(doc, "1. Участники программы", bold=True, before=12, after=6, keep=True)
    para(
        doc,
        "За период в программе участвовали наставляемых — {{ people.mentees }}, наставников — "
        "{{ people.mentors }}. Сформировано наставнических пар (групп) — {{ pairs.formed }}, "
        "расформировано — {{ pairs.dissolved }}; на {{ date }} действует — {{ pairs.active }}.",
        align=JUSTIFY,
        indent=True,
    )
    para(
        doc,
        "На {{ date }} вошли в программу наставляемых в возрасте 10–19 лет — {{ counts.mentees_10_19 }}; "
        "наставников из числа обучающихся 15–19 лет — {{ counts.mentors_15_19 }}; молодых "
        "специалистов в роли наставляемых — {{ counts.young_specialists }}; организаций-"
        "партнёров, предоставивших наставников, — {{ counts.partner_orgs }}.",
        align=JUSTIFY,
        indent=True,
    )

    para(
        doc,
        "2. Наставнические пары по формам наставничества",
        bold=True,
        before=12,
        after=6,
        keep=True,
    )
    para(doc, "{%p if by_form %}")
    grid(
        doc,
        [
            "Форма наставничества",
            f"Сформи{SHY}ровано",
            f"Дейст{SHY}вует",
            f"Расфор{SHY}мировано",
            f"Настав{SHY}ляемых",
            "Встреч",
        ],
        [
            "{{ f.form }}",
            "{{ f.formed }}",
            "{{ f.active }}",
            "{{ f.dissolved }}",
            "{{ f.mentees }}",
            "{{ f.meetings }}",
        ],
        [5.1, 2.3, 2.2, 2.5, 2.4, 2.0],
        loop="for f in by_form",
        size=11,
        aligns="lccccc",
    )
    para(doc, "{%p else %}")
    para(doc, "Наставнических пар за период нет.", align=JUSTIFY, indent=True)
    para(doc, "{%p endif %}")

    para(doc, "3. Встречи наставнических пар", bold=True, before=12, after=6, keep=True)
    para(
        doc,
        "Проведено встреч за период — {{ meetings.total }}.",
        align=JUSTIFY,
        indent=True,
        after=6,
    )
    para(doc, "{%p if meetings.by_type %}")
    grid(
        doc,
        ["Вид встречи", "Проведено"],
        ["{{ m.kind }}", "{{ m.held }}"],
        [11.0, 5.5],
        loop="for m in meetings.by_type",
        size=11,
        aligns="lc",
    )
    para(doc, "{%p endif %}")

    para(doc, "4. Удовлетворённость участников", bold=True, before=12, after=6, keep=True)
    para(
        doc,
        "Удовлетворённость оценивается по итоговому анкетированию двумя способами: как доля "
        "участников, чей средний балл (приведённый к шкале 0–100) не ниже {{ threshold }}, и как "
        "средний балл всех ответивших.",
        align=JUSTIFY,
        indent=True,
        after=6,
    )
    grid(
        doc,
        [
            "Участники",
            "Ответили / опрошено",
            f"Доля удовлетво{SHY}рённых",
            "Средний балл (0–100)",
            "Средний балл (1–10)",
        ],
        ["{{ s.role }}", "{{ s.answered }}", "{{ s.share }}", "{{ s.mean }}", "{{ s.raw }}"],
        [3.6, 3.4, 3.4, 3.2, 2.9],
        loop="for s in satisfaction",
        size=11,
        aligns="lcccc",
    )

    para(doc, "5. Показатели эффективности", bold=True, before=12, after=6, keep=True)
    grid(
        doc,
        ["Показатель", "Значение", "Целевое значение", "Выполнение"],
        ["{{ k.name }}", "{{ k.value }}", "{{ k.target }}", "{{ k.status }}"],
        [7.0, 3.7, 2.7, 3.1],
        loop="for k in kpis",
        size=11,
        aligns="lccc",
    )
    para(doc, "{%p if kpi_met %}")
    para(doc, "Достигнуты целевые значения: {{ kpi_met }}.", align=JUSTIFY, indent=True, before=6)
    para(doc, "{%p endif %}")
    para(doc, "{%p if kpi_missed %}")
    para(doc, "Не достигнуты: {{ kpi_missed }}.", align=JUSTIFY, indent=True, before=6)
    para(doc, "{%p endif %}")
    para(doc, "{%p if kpi_unknown %}")
    para(doc, "Нет данных для расчёта: {{ kpi_unknown }}.", align=JUSTIFY, indent=True, before=6)
    para(doc, "{%p endif %}")
    para(doc, "{{ kpi_chart }}", align=CENTER, before=6)

    para(doc, "6. Мониторинг влияния программы", bold=True, before=12, after=6, keep=True)
    para(doc, "{%p if impact %}")
    para(
        doc,
        "Средние оценки участников (шкала 1–10) до входа в программу и по её итогам:",
        align=JUSTIFY,
        indent=True,
        after=6,
    )
    grid(
        doc,
        ["Показатель", "До", "После", "Изменение", "Ответили дважды"],
        ["{{ i.name }}", "{{ i.before }}", "{{ i.after }}", "{{ i.change }}", "{{ i.n }}"],
        [7.0, 2.0, 2.0, 2.6, 2.9],
        loop="for i in impact",
        size=11,
        aligns="lcccc",
    )
    para(doc, "{%p else %}")
    para(doc, "Данных мониторинга влияния за период пока нет.", align=JUSTIFY, indent=True)
    para(doc, "{%p endif %}")

    para(doc, "{%p if by_organisation %}")
    para(doc, "7. Показатели по организациям", bold=True, before=12, after=6, keep=True)
    grid(
        doc,
        ["Организация", "Действующих пар", "Проведено встреч", "Достигнуто показателей"],
        ["{{ o.name }}", "{{ o.active }}", "{{ o.meetings }}", "{{ o.met }}"],
        [7.5, 3.0, 3.0, 3.0],
        loop="for o in by_organisation",
        size=11,
        aligns="lccc",
    )
    para(doc, "{%p endif %}")

    para(doc, "{%p if cases %}")
    para(doc, "Кейсы наставничества", bold=True, before=12, after=6, keep=True)
    case_paragraphs(doc)
    para(doc, "{%p endif %}")

    para(doc, "Выводы", bold=True, before=12, after=6, keep=True)
    para(doc, "{{ conclusion }}", align=JUSTIFY, indent=True)
    signature(doc, "{{ signer.position }}", "{{ signer.initials }}")
    para(doc, "{{ date }}", before=12)
    return doc


def practices_template() -> DocumentObject:
    doc = new_document(size=12, landscape=True)
    para(doc, "{{ title }}", align=CENTER, bold=True, size=14)
    para(
        doc,
        "Информация о лучших практиках наставничества",
        align=CENTER,
        bold=True,
        size=14,
        before=12,
    )
    para(doc, "за {{ quarter }}", align=CENTER, bold=True, size=14)
    para(
        doc,
        "Срок представления — не позднее {{ deadline }}",
        align=CENTER,
        italic=True,
        before=6,
        after=12,
    )
    para(doc, "{%p if rows %}")
    grid(
        doc,
        [
            "№ п/п",
            "Наименование образовательной организации",
            "Наименование практики наставничества",
            f"Форма наставни{SHY}чества",
            "Ссылка на интернет-ресурс",
        ],
        [
            "{{ row.n }}",
            "{{ row.organisation }}",
            "{{ row.title }}",
            "{{ row.form }}",
            "{{r row.hyperlink }}",
        ],
        [1.3, 6.0, 7.5, 4.2, 6.2],
        loop="for row in rows",
        aligns="cllll",
    )
    para(doc, "Всего практик: {{ rows|length }}.", before=6)
    para(doc, "{%p else %}")
    para(doc, "Практики за квартал не представлены.", indent=True)
    para(doc, "{%p endif %}")
    para(doc, "{%p if cases %}")
    para(doc, "Кейсы наставничества, отобранные за квартал", bold=True, before=12, after=6)
    grid(
        doc,
        [
            "№ п/п",
            "Наименование образовательной организации",
            "Наставник",
            f"Форма наставни{SHY}чества",
            "Цель и результат",
        ],
        [
            "{{ c.n }}",
            "{{ c.organisation }}",
            "{{ c.mentor }}",
            "{{ c.form }}",
            "{{ c.goal }}. {{ c.result }}",
        ],
        [1.3, 6.0, 4.5, 4.2, 9.2],
        loop="for c in cases",
        aligns="cllll",
    )
    para(doc, "{%p endif %}")
    signature(doc, "{{ signer.position }}", "{{ signer.initials }}")
    para(
        doc,
        "Ответственный за заполнение информации: ________________________________ "
        "(ФИО, телефон, e-mail)",
        before=18,
    )
    para(doc, "{{ date }}", before=12)
    return doc


def case_paragraphs(doc: DocumentObject) -> None:
    """Each case of `cases` in turn: its heading, who and which form, the three texts."""
    para(doc, "{%p for c in cases %}")
    para(doc, "Кейс {{ c.n }}. {{ c.organisation }}", bold=True, before=12, keep=True)
    para(
        doc,
        "Наставник: {{ c.mentor }}; форма наставничества: {{ c.form }}; "
        "наставляемых: {{ c.mentees }}.",
        italic=True,
        after=6,
        keep=True,
    )
    para(doc, "Цель: {{ c.goal }}", align=JUSTIFY, indent=True)
    para(doc, "Что сделано: {{ c.work }}", align=JUSTIFY, indent=True)
    para(doc, "Результат: {{ c.result }}", align=JUSTIFY, indent=True)
    para(doc, "{%p endfor %}")


def cases_template() -> DocumentObject:
    doc = new_document()
    para(doc, "{{ title }}", align=CENTER, bold=True)
    para(doc, "КЕЙСЫ НАСТАВНИЧЕСТВА", align=CENTER, bold=True, size=16, before=18)
    para(
        doc,
        "итоги работы наставнических пар (групп) за {{ school_year }} учебный год",
        align=CENTER,
        bold=True,
        after=12,
    )
    case_paragraphs(doc)
    para(doc, "Всего кейсов: {{ cases|length }}.", before=12)
    signature(doc, "{{ signer.position }}", "{{ signer.initials }}")
    para(doc, "{{ date }}", before=12)
    return doc


TEMPLATES = {
    "order": order_template,
    "letters": letters_template,
    "note": note_template,
    "practices": practices_template,
    "cases": cases_template,
}


def main() -> None:
    for kind, build in TEMPLATES.items():
        path = HERE / f"{kind}.docx"
        build().save(str(path))
        print(path)


if __name__ == "__main__":
    main()
