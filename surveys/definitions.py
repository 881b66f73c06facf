"""Questionnaire definitions: pydantic models, the YAML loader and the registry of versions.

One YAML file holds one version of one survey. The current version of ``intake_mentee``
lives in ``intake_mentee.yaml``; an older version that old responses still need lives
beside it as ``intake_mentee.v1.yaml``. The ``code`` and ``version`` inside a file are
what counts; the file name must agree with them, which catches copy-paste slips. A
response always names the version it was started with, and ``Registry.get(code, version)``
returns exactly that one, so changing a questionnaire never reinterprets old answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from surveys.schema import Condition, Question, Section, Text

__all__ = [
    "DATA_DIR",
    "Condition",
    "DefinitionError",
    "Question",
    "Registry",
    "Section",
    "SurveyDefinition",
    "Text",
    "load_definition_file",
    "load_definitions",
]

DATA_DIR = Path(__file__).parent / "data"
# Cursor values of a response; a question may not be called like them.
RESERVED_CODES = frozenset({"summary", "submitted"})
_FILE_NAME = re.compile(r"^(?P<code>[a-z][a-z0-9_]*)(?:\.v(?P<version>\d+))?$")

SurveyKind = Literal["intake", "preference", "feedback", "satisfaction"]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class DefinitionError(ValueError):
    """A questionnaire file is wrong; the message is one line naming the file and question."""


class SurveyDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    # intake is the impact baseline, satisfaction the final stage (see scoring.impact_items).
    kind: SurveyKind
    title: Text
    intro: Text
    outro: Text
    audience: Annotated[list[str], BeforeValidator(_as_list)] = Field(min_length=1)
    sections: list[Section] = []
    questions: list[Question] = Field(min_length=1)

    @property
    def dynamic_lists(self) -> set[str]:
        """Names of the run-time lists the caller must put into ``Context.dynamic_lists``."""
        return {q.dynamic_list for q in self.questions if q.dynamic_list is not None}

    def question(self, code: str) -> Question:
        for question in self.questions:
            if question.code == code:
                return question
        raise KeyError(code)


class _Problem(Exception):
    def __init__(self, question: str | None, message: str) -> None:
        super().__init__(message)
        self.question = question
        self.message = message


def _check_survey(defn: SurveyDefinition) -> None:
    """Checks that need the whole survey: unique codes, sections, show_if references."""
    sections = {section.code for section in defn.sections}
    earlier: dict[str, Question] = {}
    for question in defn.questions:
        code = question.code
        if code in earlier:
            raise _Problem(code, "duplicate question code")
        if code in RESERVED_CODES:
            raise _Problem(code, f"the code {code!r} is reserved")
        if question.section is not None and question.section not in sections:
            raise _Problem(code, f"unknown section {question.section!r}")
        conditions = [question.show_if] + [option.show_if for option in question.options]
        for condition in conditions:
            if condition is not None:
                _check_references(code, condition, earlier)
        earlier[code] = question


def _check_references(code: str, condition: Condition, earlier: dict[str, Question]) -> None:
    for node in condition.walk():
        if node.question is None:
            continue
        target = earlier.get(node.question)
        if target is None:
            raise _Problem(code, f"show_if refers to {node.question!r}, not an earlier question")
        option_codes = {option.code for option in target.options}
        if option_codes:
            for value in node.values():
                if str(value) not in option_codes:
                    raise _Problem(
                        code, f"show_if value {value!r} is not an option of {target.code!r}"
                    )


def _first_error(error: ValidationError, raw: Any) -> tuple[str | None, str]:
    """The first pydantic error as (question code or None, one-line message)."""
    detail = error.errors()[0]
    loc = list(detail["loc"])
    message = str(detail["msg"]).removeprefix("Value error, ")
    question: str | None = None
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        items = raw.get("questions") if isinstance(raw, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        code = item.get("code") if isinstance(item, dict) else None
        question = str(code) if code is not None else f"#{loc[1] + 1}"
        loc = loc[2:]
    if loc == ["type"] and detail["type"] == "literal_error":
        return question, f"unknown question type {detail['input']!r}"
    where = ".".join(str(part) for part in loc)
    return question, f"{where}: {message.lower()}" if where else message


def _fail(source: str, question: str | None, message: str) -> DefinitionError:
    about = f"question {question!r}: " if question is not None else ""
    return DefinitionError(f"{source}: {about}{message}")


def load_definition_file(path: Path, source: str | None = None) -> SurveyDefinition:
    """Read and validate one file; any problem becomes a one-line DefinitionError."""
    where = source or str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise _fail(where, None, f"not valid YAML{line}") from exc
    if not isinstance(raw, dict):
        raise _fail(where, None, "expected a mapping at the top level")
    try:
        defn = SurveyDefinition.model_validate(raw)
        _check_survey(defn)
    except ValidationError as exc:
        raise _fail(where, *_first_error(exc, raw)) from None
    except _Problem as problem:
        raise _fail(where, problem.question, problem.message) from None
    _check_file_name(path, defn, where)
    return defn


def _check_file_name(path: Path, defn: SurveyDefinition, where: str) -> None:
    match = _FILE_NAME.match(path.name.rsplit(".", 1)[0])
    if match is None or match["code"] != defn.code:
        raise _fail(where, None, f"file name does not match the survey code {defn.code!r}")
    if match["version"] is not None and int(match["version"]) != defn.version:
        raise _fail(
            where, None, f"file name says v{match['version']}, the file version {defn.version}"
        )


class Registry:
    """Every loaded version of every survey; ``get`` without a version gives the latest."""

    def __init__(self) -> None:
        self._surveys: dict[str, dict[int, SurveyDefinition]] = {}

    def add(self, defn: SurveyDefinition, source: str = "<memory>") -> None:
        versions = self._surveys.setdefault(defn.code, {})
        if defn.version in versions:
            raise _fail(source, None, f"{defn.code} version {defn.version} is defined twice")
        versions[defn.version] = defn

    def get(self, code: str, version: int | None = None) -> SurveyDefinition:
        versions = self._surveys.get(code)
        if not versions:
            raise KeyError(f"no survey {code!r}")
        if version is None:
            return versions[max(versions)]
        if version not in versions:
            raise KeyError(f"no version {version} of survey {code!r}")
        return versions[version]

    def versions(self, code: str) -> list[int]:
        return sorted(self._surveys.get(code, {}))

    def title(self, code: str, locale: str) -> str:
        """The current version's title in the locale (English or, otherwise, Russian)."""
        return str(getattr(self.get(code).title, "en" if locale == "en" else "ru"))

    def codes(self) -> list[str]:
        return sorted(self._surveys)

    def __contains__(self, code: object) -> bool:
        return code in self._surveys

    def __iter__(self) -> Iterator[SurveyDefinition]:
        """The latest version of each survey, by code."""
        return (self.get(code) for code in self.codes())


def load_definitions(directory: Path | str = DATA_DIR) -> Registry:
    """Load and validate every ``*.yaml`` in ``directory``; the first problem stops start-up."""
    folder = Path(directory)
    registry = Registry()
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not paths:
        raise DefinitionError(f"{folder}: no survey definitions found")
    for path in paths:
        source = _display(path)
        registry.add(load_definition_file(path, source), source)
    return registry


def _display(path: Path) -> str:
    """A short, stable file name for messages: relative to the project when possible."""
    try:
        return str(path.resolve().relative_to(Path(__file__).resolve().parent.parent))
    except ValueError:
        return str(path)
