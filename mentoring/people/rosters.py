"""Reading a class or staff list (список класса / сотрудников): headers, rows, reasons.

Pure: a table of cells in, validated rows and the reason for every bad row out; no I/O, no
clock (`today` is passed). The import service (mentoring/people/imports.py) stores the good rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from i18n.names import normalise_full_name
from mentoring.people.ages import age_on

__all__ = [
    "IMPORT_ROLES",
    "MAX_ROWS",
    "ImportRow",
    "ParsedTable",
    "Problem",
    "RowProblem",
    "parse_table",
]

IMPORT_ROLES = ("mentee", "mentor")
MAX_ROWS = 20_000
MIN_AGE, MAX_AGE = 6, 100
MAX_CLASS_LENGTH = 100

_HEADERS = {
    "full_name": ("фио", "ф.и.о.", "фамилия имя отчество", "full_name", "full name", "name"),
    # Or the name in parts, as many school systems export it (joined in this order).
    "surname": ("фамилия", "surname", "last name"),
    "given_name": ("имя", "first name", "given name"),
    "patronymic": ("отчество", "patronymic", "middle name"),
    "role": ("роль", "role"),
    "class_or_position": (
        "класс/должность",
        "класс",
        "должность",
        "группа",
        "class_or_position",
        "class",
        "position",
    ),
    "birth_date": ("дата рождения", "birth_date", "birth date", "date of birth"),
}
_ROLE_WORDS = {
    "наставляемый": "mentee",
    "наставляемая": "mentee",
    "mentee": "mentee",
    "наставник": "mentor",
    "mentor": "mentor",
}
_NAME_PARTS = ("surname", "given_name", "patronymic")
_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y")


class Problem(StrEnum):
    NO_NAME_COLUMN = "no_name_column"
    TOO_MANY_ROWS = "too_many_rows"
    BAD_NAME = "bad_name"
    BAD_ROLE = "bad_role"
    BAD_BIRTH_DATE = "bad_birth_date"
    BIRTH_DATE_RANGE = "birth_date_range"
    CLASS_TOO_LONG = "class_too_long"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    ALREADY_IN_ORGANISATION = "already_in_organisation"
    NOT_SAVED = "not_saved"


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    full_name: str
    role: str
    class_or_position: str
    birth_date: date | None

    @property
    def key(self) -> tuple[str, date | None, str]:
        return (self.full_name.casefold(), self.birth_date, self.role)


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    problem: Problem
    value: str  # what was wrong, as the curator typed it (shown to him, never logged)


@dataclass(frozen=True, slots=True)
class ParsedTable:
    rows: list[ImportRow]
    problems: list[RowProblem]
    file_problem: Problem | None = None


def _clean(value: object) -> str:
    return " ".join(str(value or "").split())


def _columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _clean(cell).casefold().rstrip(":")
        for field_name, synonyms in _HEADERS.items():
            if name in synonyms and field_name not in found:
                found[field_name] = index
    return found


def _birth_date(text: str, today: date) -> date | Problem | None:
    if not text:
        return None
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        age = age_on(parsed, today)
        return parsed if MIN_AGE <= age <= MAX_AGE else Problem.BIRTH_DATE_RANGE
    return Problem.BAD_BIRTH_DATE


def _row(
    line: int, cells: dict[str, str], default_role: str, today: date
) -> ImportRow | RowProblem:
    name = normalise_full_name(cells["full_name"])
    if name is None:
        return RowProblem(line, Problem.BAD_NAME, cells["full_name"])
    role = _ROLE_WORDS.get(cells["role"].casefold()) if cells["role"] else default_role
    if role not in IMPORT_ROLES:
        return RowProblem(line, Problem.BAD_ROLE, cells["role"])
    birth = _birth_date(cells["birth_date"], today)
    if isinstance(birth, Problem):
        return RowProblem(line, birth, cells["birth_date"])
    if len(cells["class_or_position"]) > MAX_CLASS_LENGTH:
        return RowProblem(line, Problem.CLASS_TOO_LONG, cells["class_or_position"][:40] + "…")
    return ImportRow(line, name, role, cells["class_or_position"], birth)


def parse_table(
    table: Sequence[Sequence[object]], *, default_role: str, today: date
) -> ParsedTable:
    """Validate a table whose first non-empty row is the header; pure, no database."""
    lines = [(n, row) for n, row in enumerate(table, start=1) if any(_clean(c) for c in row)]
    if not lines:
        return ParsedTable([], [], Problem.NO_NAME_COLUMN)
    columns = _columns([_clean(c) for c in lines[0][1]])
    if "full_name" not in columns and not {"surname", "given_name"} <= columns.keys():
        return ParsedTable([], [], Problem.NO_NAME_COLUMN)
    if len(lines) - 1 > MAX_ROWS:
        return ParsedTable([], [], Problem.TOO_MANY_ROWS)
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    seen: set[tuple[str, date | None, str]] = set()
    for line, raw in lines[1:]:
        cells = {
            name: _clean(raw[columns[name]]) if name in columns and columns[name] < len(raw) else ""
            for name in _HEADERS
        }
        if "full_name" not in columns:
            cells["full_name"] = " ".join(cells[part] for part in _NAME_PARTS if cells[part])
        result = _row(line, cells, default_role, today)
        if isinstance(result, RowProblem):
            problems.append(result)
        elif result.key in seen:
            problems.append(RowProblem(line, Problem.DUPLICATE_IN_FILE, result.full_name))
        else:
            seen.add(result.key)
            rows.append(result)
    return ParsedTable(rows, problems)
