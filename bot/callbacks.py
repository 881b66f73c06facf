"""Typed callback data. Whatever arrives here is re-checked on the server before use."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

__all__ = ["ConsentCallback", "ForgetCallback", "LanguageCallback"]


class ConsentCallback(CallbackData, prefix="consent"):
    agree: bool


class LanguageCallback(CallbackData, prefix="lang"):
    locale: str


class ForgetCallback(CallbackData, prefix="forget"):
    confirm: bool
