"""Plain inputs of the documents: the domain layer fills them, reports/documents only reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reports.data import StatsReport
from storage.cases import CaseRow
from storage.practices import PracticeRow

__all__ = [
    "CasesReport",
    "Letters",
    "MentorThanks",
    "Note",
    "Order",
    "OrderRow",
    "Participants",
    "PartnerThanks",
    "PracticesReport",
    "School",
    "Signatory",
]


@dataclass(frozen=True, slots=True)
class Signatory:
    """Who signs: the full name (ФИО) as entered, and the position («Директор»). Either may
    be empty: the document then leaves the line to be written in by hand."""

    name: str = ""
    position: str = ""


@dataclass(frozen=True, slots=True)
class School:
    name: str
    municipality: str = ""
    region: str = ""
    head: Signatory = field(default_factory=Signatory)


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One mentee of a pair or group in the order's annex, with his mentor."""

    mentor: str
    mentor_position: str  # «учитель», «ученик 10 класса», «инженер ООО «Ромашка»»
    mentee: str
    mentee_position: str  # «7 класс», «студент 2 курса», «молодой специалист»
    form: str  # the form's code (pairs.form.*)
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class Order:
    """The order on pairs (приказ о закреплении наставнических пар) and its annex."""

    school: School
    number: str
    day: date
    school_year: int
    rows: tuple[OrderRow, ...]
    pairs: int  # pairs and groups the order fixes


@dataclass(frozen=True, slots=True)
class MentorThanks:
    name: str
    mentees: tuple[str, ...]
    forms: tuple[str, ...]  # codes
    meetings_held: int


@dataclass(frozen=True, slots=True)
class PartnerThanks:
    organisation: str
    head: Signatory  # the partner's head, when the organisation has one on record
    mentors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Letters:
    """Thank-you letters (благодарственные письма) of one school year."""

    school: School
    school_year: int
    day: date
    mentors: tuple[MentorThanks, ...]
    partners: tuple[PartnerThanks, ...] = ()


@dataclass(frozen=True, slots=True)
class Participants:
    """People in active approved pairs of the scope, each counted once."""

    mentors: int
    mentees: int


@dataclass(frozen=True, slots=True)
class Note:
    """The analytical note (аналитическая справка) of a scope over a period."""

    title: str  # the organisation's name, or the scope in words
    report: StatsReport  # built with details (pairs by form, impact)
    participants: Participants
    day: date
    signatory: Signatory
    organisations: int
    cases: tuple[CaseRow, ...] = ()  # the cases selected in the school year(s) of the period


@dataclass(frozen=True, slots=True)
class PracticesReport:
    """The quarter's best practices (лучшие практики) of a scope, for the municipality."""

    title: str
    quarter: str  # "2026-Q3": a code, said in words in the document
    deadline: date
    rows: tuple[PracticeRow, ...]
    day: date
    signatory: Signatory
    cases: tuple[CaseRow, ...] = ()  # the cases selected within the quarter


@dataclass(frozen=True, slots=True)
class CasesReport:
    """The selected cases (кейсы наставничества) of a scope for a school year."""

    title: str
    school_year: int
    rows: tuple[CaseRow, ...]
    day: date
    signatory: Signatory
