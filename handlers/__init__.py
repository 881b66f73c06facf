"""aiogram routers by audience; `get_routers()` builds them in the order they must be tried."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    cases,
    curator,
    errors,
    fallback,
    form_guard,
    group_meeting,
    groups,
    headcount,
    meeting_start,
    meetings,
    notes,
    pairs,
    parent,
    parent_consents,
    participant,
    plans,
    practice,
    roadmap,
    start,
    stats,
    survey,
    training,
)

__all__ = ["get_routers"]


def get_routers() -> list[Router]:
    # Fresh routers per call: a router joins one dispatcher only, and tests build many.
    # Everything that reads or shows personal or school data runs in private chats only:
    # one filter on their common parent. Groups and channels get the `groups` router alone.
    private = Router(name="private")
    private.message.filter(groups.IN_PRIVATE)
    private.callback_query.filter(groups.PRESSED_IN_PRIVATE)
    private.include_routers(*_private_routers())
    return [errors.build_router(), groups.build_router(), private]


def _private_routers() -> list[Router]:
    # Buttons of an ended form first (they must not reach the form's handlers), registration
    # next (its states win), then answers to a questionnaire in progress, then commands;
    # the catch-all last.
    return [
        form_guard.build_router(),
        parent.build_router(),
        notes.build_link_router(),  # its /start n_CODE before the invites'
        start.build_router(),
        survey.build_router(),
        participant.build_router(),
        curator.build_router(),
        parent_consents.build_router(),
        group_meeting.build_router(),
        pairs.build_router(),
        plans.build_router(),
        meeting_start.build_router(),
        meetings.build_router(),
        stats.build_router(),
        roadmap.build_router(),
        admin.build_router(),
        headcount.build_router(),
        practice.build_router(),
        notes.build_router(),
        training.build_router(),
        cases.build_router(),
        fallback.build_router(),
    ]
