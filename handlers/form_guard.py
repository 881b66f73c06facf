"""Buttons of a form that has ended: one table, one answer, for every guided form in chat.

A form's step buttons are not honoured while the conversation is in another form's state.
When the person has since started another form (`/meeting`, then `/survey_wave`, then the
old meeting-type button), the press is answered with an alert naming the command to start
again, and nothing changes: the handlers behind would otherwise act on the other form's
data. Buttons that begin a form (organisation pickers) are not here: they start afresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.state import StatesGroup
from aiogram.types import CallbackQuery

from bot.callbacks import (
    AttendeeCallback,
    HeadcountCallback,
    MeetingKindCallback,
    MeetingPairCallback,
    PlanStepCallback,
    PracticeCallback,
    WaveSurveyCallback,
)
from handlers.curator import WaveForm
from handlers.group_meeting import GroupMeetingForm
from handlers.headcount import HeadcountForm
from handlers.meetings import MeetingForm
from handlers.plans import PlanForm
from handlers.practice import PracticeForm
from i18n import Texts

__all__ = ["FORM_BUTTONS", "build_router"]

# (step buttons, the form's states, the command that starts the form again)
FORM_BUTTONS: tuple[tuple[Filter, type[StatesGroup], str], ...] = (
    (MeetingPairCallback.filter(), MeetingForm, "meeting"),
    (MeetingKindCallback.filter(), MeetingForm, "meeting"),
    (WaveSurveyCallback.filter(), WaveForm, "survey_wave"),
    (AttendeeCallback.filter(), GroupMeetingForm, "group_meeting"),
    (HeadcountCallback.filter(F.action != "org"), HeadcountForm, "headcount"),
    (PracticeCallback.filter(F.action != "org"), PracticeForm, "practice"),
    (PlanStepCallback.filter(F.step != "mentee"), PlanForm, "plan"),
)


def _form_ended(command: str) -> Callable[[CallbackQuery, Texts], Awaitable[None]]:
    async def on_form_ended(query: CallbackQuery, t: Texts) -> None:
        await query.answer(t("forms.ended", command=f"/{command}"), show_alert=True)

    return on_form_ended


def build_router() -> Router:
    router = Router(name=__name__)
    for buttons, states, command in FORM_BUTTONS:
        # No state at all is left to the form's own handlers: its data is gone with it,
        # and each answers a stale or forged press in its own words.
        router.callback_query(buttons, ~StateFilter(None, states))(_form_ended(command))
    return router
