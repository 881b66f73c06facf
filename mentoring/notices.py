"""What the core tells a person, in no messenger's terms: a `Notice`.

A notice is the text, already in the recipient's language and in the catalogs' small markup
(`i18n.markup`: `<b>`, `<i>`, values made inert with `safe`) or plain, and its actions: rows
of buttons, each a label and either a typed intent ("answer invitation to meeting 42 with
confirm") or a link. No callback strings, no keyboards: a front door turns intents into its
own buttons and reads them back (the Telegram one in `bot/notices.py`).

The outbox stores a notice as JSON (`to_payload`), and the sender renders it at send time
(`from_payload`), so a row planned today is sent the same after an upgrade of the front door.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

__all__ = [
    "INTENTS",
    "Action",
    "AnswerInvitation",
    "Intent",
    "MeetingStep",
    "NoteConsent",
    "Notice",
    "PlanStep",
    "ScheduleFirstMeeting",
    "StartQuestionnaire",
    "TrainingAnswer",
    "TrainingFile",
    "WriteCase",
]


@dataclass(frozen=True, slots=True)
class Intent:
    """Something the person can do by pressing; subclasses name it by `kind`."""

    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **{f.name: getattr(self, f.name) for f in fields(self)}}


@dataclass(frozen=True, slots=True)
class StartQuestionnaire(Intent):
    """Begin (or go on with) the questionnaire assigned as `assignment`."""

    kind: ClassVar[str] = "start_questionnaire"
    assignment: int


@dataclass(frozen=True, slots=True)
class AnswerInvitation(Intent):
    """Answer an invitation to `meeting` set for `at` (Unix seconds): confirm / decline /
    other_time. The start is part of it, so an answer to a moved meeting is told so."""

    kind: ClassVar[str] = "answer_invitation"
    meeting: int
    answer: str
    at: int


@dataclass(frozen=True, slots=True)
class MeetingStep(Intent):
    """A step on one meeting: held / not_held / moved (after it), confirm, cancel …"""

    kind: ClassVar[str] = "meeting_step"
    meeting: int
    step: str


@dataclass(frozen=True, slots=True)
class PlanStep(Intent):
    """A step on a submitted plan: approve / return (the curator), comment (the mentee)."""

    kind: ClassVar[str] = "plan_step"
    plan: int
    step: str


@dataclass(frozen=True, slots=True)
class ScheduleFirstMeeting(Intent):
    """The mentor of a newly approved pair sets the first meeting."""

    kind: ClassVar[str] = "schedule_first_meeting"
    pair: int


@dataclass(frozen=True, slots=True)
class NoteConsent(Intent):
    """An answer to a request for a note from a third party: `party` (mentee / parent)
    answers yes / no, then whether the mentor may see it (mentor_yes / mentor_no)."""

    kind: ClassVar[str] = "note_consent"
    request: int
    party: str
    answer: str


@dataclass(frozen=True, slots=True)
class WriteCase(Intent):
    """The mentor of `pair` writes up its result (a case) for the school year `year`."""

    kind: ClassVar[str] = "write_case"
    pair: int
    year: int


@dataclass(frozen=True, slots=True)
class TrainingAnswer(Intent):
    """Answer about training `session`: yes / no (the invitation), attended (at its start)."""

    kind: ClassVar[str] = "training_answer"
    session: int
    answer: str


@dataclass(frozen=True, slots=True)
class TrainingFile(Intent):
    """Send the file `material` (its position, from 0) of training `session`."""

    kind: ClassVar[str] = "training_file"
    session: int
    material: int


INTENTS: Mapping[str, type[Intent]] = {
    cls.kind: cls
    for cls in (
        StartQuestionnaire,
        AnswerInvitation,
        MeetingStep,
        PlanStep,
        ScheduleFirstMeeting,
        NoteConsent,
        WriteCase,
        TrainingAnswer,
        TrainingFile,
    )
}


@dataclass(frozen=True, slots=True)
class Action:
    """One button: a label and either an intent or a link (http or https)."""

    label: str
    intent: Intent | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.intent is None) == (self.url is None):
            raise ValueError("an action is either an intent or a link")

    def to_dict(self) -> dict[str, Any]:
        if self.intent is not None:
            return {"label": self.label, "intent": self.intent.to_dict()}
        return {"label": self.label, "url": self.url}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        if "url" in data:
            return cls(str(data["label"]), url=str(data["url"]))
        params = dict(data["intent"])
        intent_cls = INTENTS[params.pop("kind")]
        return cls(str(data["label"]), intent=intent_cls(**params))


@dataclass(frozen=True, slots=True)
class Notice:
    """A text for one person and the rows of actions under it.

    `marked`: the text is in the catalogs' markup (`i18n.markup`); False for a plain text
    whose values were not made inert (sent as it is, never interpreted).
    """

    text: str
    actions: tuple[tuple[Action, ...], ...] = ()
    marked: bool = True

    @classmethod
    def of(cls, text: str, *rows: Iterable[Action], marked: bool = True) -> Notice:
        return cls(text, tuple(tuple(row) for row in rows if row), marked)

    def to_payload(self, **delivery: Any) -> dict[str, Any]:
        """The outbox row's payload; `delivery` adds the sender's own fields (quiet hours)."""
        return {
            "text": self.text,
            "marked": self.marked,
            "actions": [[action.to_dict() for action in row] for row in self.actions],
            **delivery,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Notice:
        """The notice of a payload written by `to_payload`. Raises KeyError, TypeError or
        ValueError for one that is not (the sender fails such a row, it never guesses)."""
        text = payload["text"]
        if not isinstance(text, str):
            raise TypeError("a notice's text is not a string")
        rows = tuple(tuple(Action.from_dict(a) for a in row) for row in payload["actions"])
        return cls(text, rows, bool(payload.get("marked", True)))
