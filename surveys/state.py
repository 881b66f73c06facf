"""The plain values the engine exchanges with its caller: context, state, events, views."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

__all__ = [
    "SUBMITTED",
    "SUMMARY",
    "Button",
    "Context",
    "DynamicOption",
    "Event",
    "Outcome",
    "Press",
    "ResponseState",
    "TextInput",
    "Translate",
    "View",
    "WrongKind",
]

SUMMARY = "summary"
SUBMITTED = "submitted"

# ``t("survey.progress", n=3, total=12)``, bound to the respondent's locale by the app.
Translate = Callable[..., str]


@dataclass(frozen=True, slots=True)
class DynamicOption:
    """One entry of a run-time list, e.g. a mentor who attended the group meeting.

    ``id`` goes into button actions, so it must be short ASCII (a database id, ≤ 30 chars).
    """

    id: str
    label: str
    profile: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """What the engine needs to know about the respondent, supplied on every call.

    ``today`` is passed in rather than read from the clock so that date checks are
    reproducible; the default is only a convenience for callers that do not care.
    """

    locale: Literal["ru", "en"] = "ru"
    role: str = ""
    position: str | None = None
    age: int | None = None
    dynamic_lists: Mapping[str, Sequence[DynamicOption]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)


@dataclass(slots=True)
class ResponseState:
    """Everything about one response in progress; the caller persists ``to_dict()``.

    ``answers`` maps question codes to JSON values: an option code or free text (str),
    a number or scale point (int), yes/no (bool), a date (ISO str), chosen options or
    ranked ids (list[str]). ``skipped`` lists optional questions the respondent skipped,
    so they are not asked again. ``cursor`` is a question code, ``"summary"`` or
    ``"submitted"``. ``draft`` holds the selection of a multi-choice or ranking
    question before "Done"; ``editing`` marks a detour from the summary. ``step`` grows
    with every change, so a button pressed on an older message is recognised as stale.
    """

    survey: str
    version: int
    answers: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    cursor: str = ""
    draft: list[str] | None = None
    step: int = 0
    editing: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "version": self.version,
            "answers": {code: _copy(value) for code, value in self.answers.items()},
            "skipped": list(self.skipped),
            "cursor": self.cursor,
            "draft": None if self.draft is None else list(self.draft),
            "step": self.step,
            "editing": self.editing,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResponseState:
        draft = data.get("draft")
        return cls(
            survey=str(data["survey"]),
            version=int(data["version"]),
            answers={str(code): _copy(value) for code, value in data.get("answers", {}).items()},
            skipped=[str(code) for code in data.get("skipped", [])],
            cursor=str(data.get("cursor", "")),
            draft=None if draft is None else [str(item) for item in draft],
            step=int(data.get("step", 0)),
            editing=bool(data.get("editing", False)),
        )

    def copy(self) -> ResponseState:
        return ResponseState.from_dict(self.to_dict())

    @property
    def is_submitted(self) -> bool:
        return self.cursor == SUBMITTED


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


@dataclass(frozen=True, slots=True)
class TextInput:
    text: str


@dataclass(frozen=True, slots=True)
class Press:
    """An inline button: ``step`` is the state's step when the button was shown."""

    step: int
    action: str


@dataclass(frozen=True, slots=True)
class WrongKind:
    """A message the survey cannot use: sticker, photo, voice, video, document, ..."""

    kind: str


Event = TextInput | Press | WrongKind


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str  # short ASCII, at most 40 characters


@dataclass(frozen=True, slots=True)
class View:
    """One message: plain text (no markup — send it with parse_mode=None or escape it)."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)


@dataclass(slots=True)
class Outcome:
    """What one call produced.

    ``saved`` are answers to store now (code, value) and ``cleared`` answers to delete;
    ``notice`` is a short toast for a button press; ``changed`` says whether the state
    (and its step) moved, i.e. whether it must be persisted and the view sent again.
    """

    state: ResponseState
    view: View
    saved: list[tuple[str, Any]] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    notice: str | None = None
    submitted: bool = False
    changed: bool = False
