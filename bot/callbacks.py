"""Typed callback data. Whatever arrives here is re-checked on the server before use."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

__all__ = [
    "AttendeeCallback",
    "ConsentCallback",
    "CuratorOrgCallback",
    "ForgetCallback",
    "LanguageCallback",
    "PairMeetingCallback",
    "PairsCallback",
    "PaperConsentCallback",
    "ParentConsentCallback",
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
