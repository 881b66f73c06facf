"""The core's notices as Telegram messages: the one place intents become callback data.

`message_kwargs` turns a `mentoring.notices.Notice` into send_message arguments: the text as
Telegram's HTML when it is in the catalogs' markup (the two tags of `i18n.markup` are a
subset of it) or unparsed when plain, and the actions as an inline keyboard. A press comes
back as the callback data built here and is read by the handlers' filters on the same
`CallbackData` classes, where the presser is re-checked; nothing in the data is trusted.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import (
    MeetingActionCallback,
    MeetingAnswerCallback,
    PairMeetingCallback,
    PlanCallback,
    SurveyStartCallback,
)
from mentoring.notices import (
    Action,
    AnswerInvitation,
    Intent,
    MeetingStep,
    NoteConsent,
    Notice,
    PlanStep,
    ScheduleFirstMeeting,
    StartQuestionnaire,
    TrainingAnswer,
    TrainingFile,
    WriteCase,
)

__all__ = [
    "CaseWriteCallback",
    "NoteConsentCallback",
    "TrainingAnswerCallback",
    "TrainingFileCallback",
    "callback_of",
    "keyboard",
    "message_kwargs",
]


class TrainingAnswerCallback(CallbackData, prefix="trn"):
    """An answer about a training session (yes / no / attended); re-checked on press."""

    answer: str
    session: int


class TrainingFileCallback(CallbackData, prefix="trf"):
    session: int
    material: int


class NoteConsentCallback(CallbackData, prefix="ntc"):
    """An answer to a request for a third party's note (mentoring.notices.NoteConsent)."""

    request: int
    party: str
    answer: str


class CaseWriteCallback(CallbackData, prefix="csw"):
    """Start writing up a pair's result (mentoring.notices.WriteCase); re-checked on press."""

    pair: int
    year: int


def callback_of(intent: Intent) -> CallbackData:
    match intent:
        case StartQuestionnaire(assignment=assignment):
            return SurveyStartCallback(assignment=assignment)
        case AnswerInvitation(meeting=meeting, answer=answer, at=at):
            return MeetingAnswerCallback(action=answer, meeting=meeting, at=at)
        case MeetingStep(meeting=meeting, step=step):
            return MeetingActionCallback(action=step, meeting=meeting)
        case PlanStep(plan=plan, step=step):
            return PlanCallback(action=step, plan=plan)
        case ScheduleFirstMeeting(pair=pair):
            return PairMeetingCallback(pair=pair)
        case TrainingAnswer(session=session, answer=answer):
            return TrainingAnswerCallback(answer=answer, session=session)
        case TrainingFile(session=session, material=material):
            return TrainingFileCallback(session=session, material=material)
        case NoteConsent(request=request, party=party, answer=answer):
            return NoteConsentCallback(request=request, party=party, answer=answer)
        case WriteCase(pair=pair, year=year):
            return CaseWriteCallback(pair=pair, year=year)
    raise ValueError(f"no Telegram button for the intent {intent.kind!r}")


def _button(action: Action) -> InlineKeyboardButton:
    if action.intent is not None:
        return InlineKeyboardButton(
            text=action.label, callback_data=callback_of(action.intent).pack()
        )
    return InlineKeyboardButton(text=action.label, url=action.url)


def keyboard(actions: tuple[tuple[Action, ...], ...]) -> InlineKeyboardMarkup | None:
    if not actions:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[_button(a) for a in row] for row in actions])


def message_kwargs(notice: Notice) -> dict[str, Any]:
    return {
        "text": notice.text,
        "parse_mode": "HTML" if notice.marked else None,
        "reply_markup": keyboard(notice.actions),
    }
