"""`mentorbot doc …`: the school's documents from the command line, errors in one line."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.base import cli
from storage.db import Database
from storage.migrate import upgrade
from tests.documents_school import DocumentsSchool, build_documents_school
from tests.docx_reading import all_text, paragraphs, rows
from tests.test_cli_imports import HEAVY, _imported


async def _built(url: str) -> DocumentsSchool:
    db = Database(url)
    await upgrade(db)
    try:
        return await build_documents_school(db)
    finally:
        await db.close()


@pytest.fixture
def school(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> DocumentsSchool:
    """The CLI runs its own event loop: the school is built before, in another one."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    return asyncio.run(_built(url))


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_doc_order_writes_the_newest_order(school: DocumentsSchool, tmp_path: Path) -> None:
    result = _run("doc", "order", "--org", str(school.school))
    assert result.exit_code == 0, result.output
    written = tmp_path / "Приказ № 12-о от 01.10.2026.docx"
    assert result.stdout.startswith(str(written.name))
    annex = rows(written.read_bytes(), 3)
    assert [row[2] for row in annex[1:]] == [
        "Белова Анна Сергеевна, 7 класс",
        "Ким Саша, 8 класс",
        "Соколова Мария Игоревна, молодой специалист",
        "Зайцев Никита Олегович, 9Б",
    ]
    older = _run("doc", "order", "--org", str(school.school), "--order", "№ 3-о", "--out", "o.docx")
    assert older.exit_code == 0 and "Лебедев Глеб" in all_text((tmp_path / "o.docx").read_bytes())


def test_doc_letters_in_one_file_or_a_zip(school: DocumentsSchool, tmp_path: Path) -> None:
    args = ("doc", "letters", "--org", str(school.school), "--year", "2026", "--on", "2027-05-30")
    result = _run(*args, "--out", "letters.docx")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "letters.docx: 3 letter(s)"
    assert "Орлову Петру Андреевичу" in paragraphs((tmp_path / "letters.docx").read_bytes())
    packed = _run(*args, "--zip", "--out", "letters.zip")
    assert packed.exit_code == 0, packed.output
    assert len(zipfile.ZipFile(io.BytesIO((tmp_path / "letters.zip").read_bytes())).namelist()) == 3
    early = _run("doc", "letters", "--org", str(school.school), "--year", "2024")
    assert early.exit_code == 2 and "nobody to thank yet" in early.stderr


def test_doc_note_and_practices_for_a_scope(school: DocumentsSchool, tmp_path: Path) -> None:
    note = _run(
        "doc", "note", "--scope", f"org:{school.school}", "--period", "2026", "--out", "n.docx"
    )
    assert note.exit_code == 0, note.output
    assert "за 2026/27 учебный год" in all_text((tmp_path / "n.docx").read_bytes())
    area = _run("doc", "note", "--scope", "municipality:г. Тула", "--period", "2026-H1")
    assert area.exit_code == 0, area.output
    assert (tmp_path / "Аналитическая справка г. Тула 2026-H1.docx").exists()
    practices = _run(
        "doc",
        "practices",
        "--scope",
        "region:Тульская область",
        "--period",
        "2026-Q3",
        "--out",
        "p.docx",
    )
    assert practices.exit_code == 0, practices.output
    assert "Клуб юных инженеров" in all_text((tmp_path / "p.docx").read_bytes())


def test_doc_errors_are_one_line(school: DocumentsSchool) -> None:
    for args, message in (
        (("doc", "order", "--org", "99"), "no organisation 99"),
        (("doc", "order", "--org", str(school.other_school)), "has no such order"),
        (("doc", "note", "--scope", "org:1", "--period", "2026-Q3"), "2026-H1"),
        (("doc", "note", "--scope", "town:Тула", "--period", "2026"), "--scope"),
        (("doc", "practices", "--scope", "org:1", "--period", "2026"), "a quarter like 2026-Q3"),
        (("doc", "letters", "--org", "1", "--on", "30.05.2027"), "--on"),
    ):
        result = _run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr and result.stderr.count("\n") == 1


def test_doc_signer_sets_who_signs(school: DocumentsSchool, tmp_path: Path) -> None:
    result = _run("doc", "signer", "--org", str(school.school), "--name", "Сидорова Анна Ильинична")
    assert result.exit_code == 0, result.output
    _run("doc", "order", "--org", str(school.school), "--out", "o.docx")
    assert "А.И.\u00a0Сидорова" in all_text((tmp_path / "o.docx").read_bytes())


def test_doc_order_imports_neither_aiogram_nor_the_charts(
    school: DocumentsSchool, tmp_path: Path
) -> None:
    _, imported = _imported(tmp_path, "doc", "order", "--org", str(school.school))
    assert not imported & HEAVY, "matplotlib is the note's alone"
