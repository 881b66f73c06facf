"""The parts of a questionnaire: texts in two languages, options, conditions, questions.

Each question type accepts only the fields that mean something for it, so a typo such as
``max_length`` on a scale fails at start-up instead of being silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = [
    "LONG_TEXT_LIMIT",
    "QUESTION_TYPES",
    "SHORT_TEXT_LIMIT",
    "AgeRange",
    "Condition",
    "Option",
    "Question",
    "QuestionType",
    "ScaleLabels",
    "Section",
    "Text",
]

QuestionType = Literal[
    "single",
    "multi",
    "scale",
    "yesno",
    "short_text",
    "long_text",
    "number",
    "date",
    "dynamic",
    "ranking",
]
QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
SHORT_TEXT_LIMIT = 200
LONG_TEXT_LIMIT = 2000
# A Telegram message holds 4096 characters; the question and hints need some of them.
_TEXT_CEILING = 3500
_SCALE_POINTS = 11  # more buttons than this do not fit a phone screen in two rows
_CODE = r"^[a-z0-9][a-z0-9_]*$"
_SCORED_TAGS = ("satisfaction", "fit")

# Fields that only some question types may carry.
_TYPE_FIELDS = {
    "options": {"single", "multi", "ranking"},
    "min": {"scale", "number"},
    "max": {"scale", "number"},
    "scale_labels": {"scale"},
    "max_length": {"short_text", "long_text"},
    "min_choices": {"multi", "dynamic", "ranking"},
    "max_choices": {"multi", "dynamic"},
    "dynamic_list": {"dynamic", "ranking"},
    "multiple": {"dynamic"},
    "rank_top_n": {"ranking"},
    "min_age": {"date"},
    "max_age": {"date"},
    "min_year": {"date"},
    "max_year": {"date"},
}

Scalar = bool | int | str


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _as_code(value: Any) -> Any:
    # YAML reads `5` as a number; a class "5" is still an option code.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Code = Annotated[str, BeforeValidator(_as_code), Field(pattern=_CODE)]
Names = Annotated[list[str], BeforeValidator(_as_list)]


class Text(BaseModel):
    """A text in both languages; both are required and non-empty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.ru


class AgeRange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min: int | None = None
    max: int | None = None


class Condition(BaseModel):
    """``show_if``: exactly one of an answer test, role, position, age, all, any or not.

    An answer test holds only when the referenced question was answered; on a multi
    answer ``equals`` means "contains" and ``in``/``not_in`` test the overlap.
    ``role`` and ``position`` test the context; ``age`` the age given by an earlier
    ``birth_date`` answer in the same survey, else the context's age.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    question: str | None = None
    equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    role: Names | None = None
    position: Names | None = None
    age: AgeRange | None = None
    all_: list[Condition] | None = Field(default=None, alias="all")
    any_: list[Condition] | None = Field(default=None, alias="any")
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        kinds = [self.question, self.role, self.position, self.age, self.all_, self.any_]
        present = sum(kind is not None for kind in [*kinds, self.not_])
        if present != 1:
            raise ValueError("needs exactly one of question, role, position, age, all, any, not")
        tests = sum(test is not None for test in (self.equals, self.in_, self.not_in))
        if self.question is not None and tests != 1:
            raise ValueError("a test of an answer needs exactly one of equals, in, not_in")
        if self.question is None and tests:
            raise ValueError("equals, in and not_in need a question")
        return self

    def walk(self) -> Iterator[Condition]:
        yield self
        for child in [*(self.all_ or []), *(self.any_ or []), *([self.not_] if self.not_ else [])]:
            yield from child.walk()

    def values(self) -> list[Scalar]:
        if self.equals is not None:
            return [self.equals]
        return list(self.in_ or self.not_in or [])


class ScaleLabels(BaseModel):
    """What the two ends of a scale mean, e.g. 1 — "not at all", 10 — "completely"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: Text
    high: Text


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    label: Text
    show_if: Condition | None = None


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Code
    title: Text


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: QuestionType
    text: Text
    help: Text | None = None
    required: bool = True
    options: list[Option] = []
    min: int | None = None
    max: int | None = None
    scale_labels: ScaleLabels | None = None
    max_length: int | None = Field(default=None, ge=1, le=_TEXT_CEILING)
    min_choices: int | None = Field(default=None, ge=0)
    max_choices: int | None = Field(default=None, ge=1)
    dynamic_list: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    multiple: bool = False
    rank_top_n: int | None = Field(default=None, ge=1, le=10)
    min_age: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)
    min_year: int | None = Field(default=None, ge=1900)
    max_year: int | None = Field(default=None, ge=1900)
    section: str | None = None
    tags: list[str] = []
    show_if: Condition | None = None

    @model_validator(mode="after")
    def _fits_type(self) -> Question:
        for name in sorted(self.model_fields_set & _TYPE_FIELDS.keys()):
            if self.type not in _TYPE_FIELDS[name]:
                raise ValueError(f"{name} does not apply to a {self.type} question")
        codes = [option.code for option in self.options]
        for code in codes:
            if codes.count(code) > 1:
                raise ValueError(f"duplicate option code {code!r}")
        _check_bounds(self)
        _check_choices(self)
        _check_tags(self)
        return self

    @property
    def text_limit(self) -> int:
        default = LONG_TEXT_LIMIT if self.type == "long_text" else SHORT_TEXT_LIMIT
        return self.max_length or default

    @property
    def impact_item(self) -> str | None:
        for tag in self.tags:
            if tag.startswith("impact:"):
                return tag.removeprefix("impact:")
        return None


def _check_bounds(q: Question) -> None:
    if q.type in ("scale", "number"):
        if q.min is None or q.max is None:
            raise ValueError(f"{q.type} needs min and max")
        if q.min >= q.max:
            raise ValueError(f"{q.type} needs min < max")
        if q.type == "scale" and q.max - q.min + 1 > _SCALE_POINTS:
            raise ValueError(f"scale has more than {_SCALE_POINTS} points")
    if q.min_age is not None and q.max_age is not None and q.min_age > q.max_age:
        raise ValueError("date needs min_age <= max_age")
    if q.min_year is not None and q.max_year is not None and q.min_year > q.max_year:
        raise ValueError("date needs min_year <= max_year")


def _check_choices(q: Question) -> None:
    if q.type in ("single", "multi") and len(q.options) < 2:
        raise ValueError(f"{q.type} needs at least 2 options")
    if q.type == "dynamic" and q.dynamic_list is None:
        raise ValueError("dynamic needs dynamic_list")
    if (
        q.type == "dynamic"
        and not q.multiple
        and {"min_choices", "max_choices"} & q.model_fields_set
    ):
        raise ValueError("min_choices and max_choices need multiple: true")
    if q.type == "ranking":
        if bool(q.options) == (q.dynamic_list is not None):
            raise ValueError("ranking needs either options or dynamic_list")
        if q.rank_top_n is None:
            raise ValueError("ranking needs rank_top_n")
        if q.options and q.rank_top_n > len(q.options):
            raise ValueError("rank_top_n is larger than the number of options")
    low = q.min_choices if q.min_choices is not None else 1
    high = q.max_choices if q.max_choices is not None else q.rank_top_n
    if high is not None and low > high:
        raise ValueError("needs min_choices <= max_choices")
    if q.options and max(low, high or 0) > len(q.options):
        raise ValueError("min_choices/max_choices exceed the number of options")


def _check_tags(q: Question) -> None:
    for tag in q.tags:
        scored = tag in _SCORED_TAGS or tag.startswith("impact:")
        if scored and q.type != "scale":
            raise ValueError(f"tag {tag!r} needs a scale question")
        if tag.startswith("impact:") and not tag.removeprefix("impact:").isidentifier():
            raise ValueError(f"tag {tag!r} needs an item name after 'impact:'")
