"""Questionnaires in the database: assignments, responses with their answers, and waves.

`from storage import surveys` gives the lot; each module holds one part of the aggregate.
"""

from __future__ import annotations

from storage.surveys.answering import AnswerWriter, SavedTurn, save_answers, write_turns
from storage.surveys.assignments import (
    Assignment,
    assign,
    cancel_pending_for_person,
    close_pending_twins,
    get_assignment,
    next_pending_assignment,
    pending_count,
    set_status,
    unanswered_between,
)
from storage.surveys.responses import (
    Response,
    erase_answers,
    get_response,
    in_progress_response,
    start_response,
    submit_response,
    submitted_answers,
    submitted_since,
)
from storage.surveys.waves import (
    Wave,
    WaveProgress,
    active_people_with_role,
    create_wave,
    get_wave,
    intake_progress,
    wave_open_assignments,
    wave_progress,
    waves_for_organisation,
)

__all__ = [
    "AnswerWriter",
    "Assignment",
    "Response",
    "SavedTurn",
    "Wave",
    "WaveProgress",
    "active_people_with_role",
    "assign",
    "cancel_pending_for_person",
    "close_pending_twins",
    "create_wave",
    "erase_answers",
    "get_assignment",
    "get_response",
    "get_wave",
    "in_progress_response",
    "intake_progress",
    "next_pending_assignment",
    "pending_count",
    "save_answers",
    "set_status",
    "start_response",
    "submit_response",
    "submitted_answers",
    "submitted_since",
    "unanswered_between",
    "wave_open_assignments",
    "wave_progress",
    "waves_for_organisation",
    "write_turns",
]
