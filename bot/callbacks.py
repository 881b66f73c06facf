"""Typed callback data. Whatever arrives here is re-checked on the server before use."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

__all__ = [
    "ConsentCallback",
    "ForgetCallback",
    "LanguageCallback",
    "ParentConsentCallback",
    "SurveyCallback",
    "SurveyStartCallback",
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
