"""Typed callback data. Whatever arrives here is re-checked on the server before use."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

__all__ = [
    "AttendeeCallback",
    "ConsentCallback",
    "CuratorOrgCallback",
    "ForgetCallback",
    "HeadcountCallback",
    "LaggingCallback",
    "LanguageCallback",
    "MeetingActionCallback",
    "MeetingAnswerCallback",
    "MeetingKindCallback",
    "MeetingPairCallback",
    "PageCallback",
    "PairDissolveCallback",
    "PairMeetingCallback",
    "PairsCallback",
    "PaperConsentCallback",
    "ParentConsentCallback",
    "PlanCallback",
    "PlanStepCallback",
    "PracticeCallback",
    "RoadmapDoneCallback",
    "StatsCallback",
    "SurveyCallback",
    "SurveyStartCallback",
    "WaveDetailCallback",
    "WaveSurveyCallback",
]


class ConsentCallback(CallbackData, prefix="consent"):
    agree: bool


class LanguageCallback(CallbackData, prefix="lang"):
    locale: str


class ForgetCallback(CallbackData, prefix="forget"):
    confirm: bool


class SurveyCallback(CallbackData, prefix="sv", sep="|"):
    """A survey button: response id, the step when shown, the engine's action (may hold ":")."""

    r: int
    s: int
    a: str


class SurveyStartCallback(CallbackData, prefix="svs"):
    assignment: int


class ParentConsentCallback(CallbackData, prefix="pc"):
    agree: bool


class CuratorOrgCallback(CallbackData, prefix="corg"):
    """Which organisation a multi-step curator command is about (re-checked on use)."""

    flow: str
    org: int


class WaveSurveyCallback(CallbackData, prefix="wsv"):
    survey: str


class WaveDetailCallback(CallbackData, prefix="wdt"):
    wave: int


class PaperConsentCallback(CallbackData, prefix="ppc"):
    person: int


class AttendeeCallback(CallbackData, prefix="att"):
    person: int  # 0 = done


class PairsCallback(CallbackData, prefix="prs"):
    """A curator's pair-forming step: propose / approve / edit / remove / move / cancel.

    `mentee` and `mentor` are person ids (0 = not applicable); all re-checked on use."""

    action: str
    org: int
    mentee: int = 0
    mentor: int = 0


class PairMeetingCallback(CallbackData, prefix="pmt"):
    pair: int


class PlanCallback(CallbackData, prefix="pln"):
    """A step on a submitted plan: approve / return (curator), comment (mentee); re-checked."""

    action: str
    plan: int


class PlanStepCallback(CallbackData, prefix="pls"):
    """The mentor's plan form: choose a mentee (pair, mentee), «done», or a duration in months."""

    step: str
    pair: int = 0
    mentee: int = 0
    value: int = 0


class PairDissolveCallback(CallbackData, prefix="pds"):
    pair: int


class MeetingPairCallback(CallbackData, prefix="mtp"):
    """The /meeting form: the pair chosen (0 = all pairs, for the final meeting); re-checked."""

    pair: int


class MeetingKindCallback(CallbackData, prefix="mtk"):
    kind: str


class MeetingActionCallback(CallbackData, prefix="mta"):
    """A step on one meeting: confirm / decline / other_time / held / not_held / moved / cancel.

    The presser is re-checked against the meeting's participants on every press."""

    action: str
    meeting: int


class MeetingAnswerCallback(CallbackData, prefix="mtx"):
    """An answer to an invitation (confirm / decline / other_time) naming the start it was
    for (Unix seconds), so that a button of a meeting moved since says so."""

    action: str
    meeting: int
    at: int


class StatsCallback(CallbackData, prefix="sts"):
    """A /stats button: charts / xlsx / scopes / periods / show; `org` 0 = the whole scope
    (re-checked); `period` a `parse_period` code, "" = the current school year (re-parsed)."""

    action: str
    org: int = 0
    period: str = ""
    page: int = 0  # of the organisation picker ("scopes")


class LaggingCallback(CallbackData, prefix="lag"):
    """/stats → «Кто отстаёт»: `open` sends the list, `page` turns it in place. It names no
    organisation or area: the list is always of the presser's own scope, reloaded on every
    press; `period` is re-parsed and `page` clamped."""

    action: str = "open"
    period: str = ""
    page: int = 0


class RoadmapDoneCallback(CallbackData, prefix="rmd"):
    item: int


class HeadcountCallback(CallbackData, prefix="hct"):
    """The /headcount form: org (choose), keep (the current value), save, cancel; re-checked."""

    action: str
    org: int


class PracticeCallback(CallbackData, prefix="prc"):
    """The /practice form: org (choose), form (a mentoring form), save, cancel; re-checked."""

    action: str
    org: int
    form: str = ""


class PageCallback(CallbackData, prefix="pg"):
    """◀ ▶ on a long picker: which picker, the page to show, and what the list is of (an
    organisation, a mentee; 0 = none). The list is rebuilt and the rights re-checked on
    the server, and the page clamped, on every press."""

    picker: str
    page: int
    org: int = 0
    item: int = 0
