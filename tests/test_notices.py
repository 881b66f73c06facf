"""Neutral notices: what the core stores in the outbox, and how the Telegram door renders it."""

from __future__ import annotations

import json

import pytest
from aiogram.filters.callback_data import CallbackData

from bot.callbacks import (
    MeetingActionCallback,
    MeetingAnswerCallback,
    PairMeetingCallback,
    PlanCallback,
    SurveyStartCallback,
)
from bot.delivery import render
from bot.notices import (
    CaseWriteCallback,
    NoteConsentCallback,
    TrainingAnswerCallback,
    TrainingFileCallback,
)
from i18n.markup import plain, safe
from mentoring.notices import (
    INTENTS,
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

CASES: list[tuple[Intent, type[CallbackData], dict[str, object]]] = [
    (StartQuestionnaire(7), SurveyStartCallback, {"assignment": 7}),
    (
        AnswerInvitation(42, "confirm", 1_790_000_000),
        MeetingAnswerCallback,
        {"action": "confirm", "meeting": 42, "at": 1_790_000_000},
    ),
    (MeetingStep(42, "held"), MeetingActionCallback, {"action": "held", "meeting": 42}),
    (PlanStep(3, "approve"), PlanCallback, {"action": "approve", "plan": 3}),
    (ScheduleFirstMeeting(5), PairMeetingCallback, {"pair": 5}),
    (
        NoteConsent(9, "parent", "mentor_no"),
        NoteConsentCallback,
        {"request": 9, "party": "parent", "answer": "mentor_no"},
    ),
    (TrainingAnswer(4, "yes"), TrainingAnswerCallback, {"answer": "yes", "session": 4}),
    (TrainingFile(4, 1), TrainingFileCallback, {"session": 4, "material": 1}),
    (WriteCase(5, 2026), CaseWriteCallback, {"pair": 5, "year": 2026}),
]


def test_every_intent_kind_has_a_case() -> None:
    assert {type(intent) for intent, _, _ in CASES} == set(INTENTS.values())


@pytest.mark.parametrize(("intent", "callback", "fields"), CASES)
def test_an_intent_survives_the_outbox_and_becomes_the_handlers_callback(
    intent: Intent, callback: type[CallbackData], fields: dict[str, object]
) -> None:
    notice = Notice.of("Текст", [Action("Кнопка", intent=intent)])
    stored = json.loads(json.dumps(notice.to_payload(timezone="Asia/Yekaterinburg")))
    assert "callback_data" not in json.dumps(stored)  # the core stores no Telegram data
    assert Notice.from_payload(stored) == notice
    markup = render(stored)["reply_markup"]
    [[button]] = markup.inline_keyboard
    assert button.text == "Кнопка"
    assert callback.unpack(button.callback_data).model_dump() == fields


def test_markup_and_plain_texts_keep_their_parse_modes() -> None:
    marked = Notice.of(f"<b>{safe('Иванов & <Ко>')}</b>")
    assert render(marked.to_payload())["parse_mode"] == "HTML"
    assert plain(marked.text) == "Иванов & <Ко>"
    assert render(Notice.of("a < b", marked=False).to_payload())["parse_mode"] is None


def test_a_link_action_is_a_url_button_and_rows_stay_rows() -> None:
    notice = Notice.of(
        "Вебинар",
        [Action("Открыть", url="https://example.org/w")],
        [],  # an empty row is dropped, not sent as an empty keyboard row
        [
            Action("Начать", intent=StartQuestionnaire(1)),
            Action("Позже", intent=MeetingStep(1, "moved")),
        ],
    )
    rows = render(notice.to_payload())["reply_markup"].inline_keyboard
    assert [len(row) for row in rows] == [1, 2]
    assert rows[0][0].url == "https://example.org/w"


def test_an_action_is_an_intent_or_a_link_never_both_or_neither() -> None:
    with pytest.raises(ValueError):
        Action("x")
    with pytest.raises(ValueError):
        Action("x", intent=StartQuestionnaire(1), url="https://example.org")


def test_rows_planned_before_notices_are_sent_as_planned() -> None:
    legacy = {
        "text": "<b>Встреча</b> завтра",
        "buttons": [[{"text": "Приду", "callback_data": "mtx:confirm:1:0"}]],
        "parse_mode": "HTML",
    }
    params = render(legacy)
    assert params["parse_mode"] == "HTML"
    assert params["reply_markup"].inline_keyboard[0][0].callback_data == "mtx:confirm:1:0"


def test_an_unknown_intent_is_refused_so_the_sender_fails_the_row() -> None:
    payload = Notice.of("x", [Action("y", intent=StartQuestionnaire(1))]).to_payload()
    payload["actions"][0][0]["intent"]["kind"] = "launch_rockets"
    with pytest.raises(KeyError):
        render(payload)
