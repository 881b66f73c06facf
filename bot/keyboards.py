"""Inline keyboards. Labels come from the locale files."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import (
    ConsentCallback,
    ForgetCallback,
    LanguageCallback,
    ParentConsentCallback,
    SurveyCallback,
    SurveyStartCallback,
)
from i18n import LOCALES, Texts
from surveys.state import View

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data

__all__ = [
    "consent_keyboard",
    "forget_keyboard",
    "language_keyboard",
    "parent_consent_keyboard",
    "survey_keyboard",
    "survey_start_keyboard",
]


def _agree_refuse(t: Texts, agree: CallbackData, refuse: CallbackData) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("consent.agree"), callback_data=agree)
    builder.button(text=t("consent.refuse"), callback_data=refuse)
    builder.adjust(2)
    return builder.as_markup()


def consent_keyboard(t: Texts) -> InlineKeyboardMarkup:
    return _agree_refuse(t, ConsentCallback(agree=True), ConsentCallback(agree=False))


def parent_consent_keyboard(t: Texts) -> InlineKeyboardMarkup:
    return _agree_refuse(t, ParentConsentCallback(agree=True), ParentConsentCallback(agree=False))


def language_keyboard(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for locale in LOCALES:
        builder.button(
            text=t(f"language.names.{locale}"), callback_data=LanguageCallback(locale=locale)
        )
    builder.adjust(len(LOCALES))
    return builder.as_markup()


def forget_keyboard(t: Texts) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("forget.confirm_button"), callback_data=ForgetCallback(confirm=True))
    builder.button(text=t("forget.keep"), callback_data=ForgetCallback(confirm=False))
    builder.adjust(1)
    return builder.as_markup()


def survey_keyboard(view: View, response_id: int, step: int) -> InlineKeyboardMarkup | None:
    if not view.buttons:
        return None
    # Packed once per keyboard rather than per button: a keyboard is built for every answer.
    head = SurveyCallback(r=response_id, s=step, a="").pack()

    def packed(action: str) -> str:
        data = head + action
        if SurveyCallback.__separator__ in action or len(data.encode()) > MAX_CALLBACK_BYTES:
            return SurveyCallback(r=response_id, s=step, a=action).pack()  # raises as it should
        return data

    rows = [
        [
            InlineKeyboardButton(text=button.label, callback_data=packed(button.action))
            for button in row
        ]
        for row in view.buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def survey_start_keyboard(t: Texts, assignment_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("questionnaires.start_button"),
        callback_data=SurveyStartCallback(assignment=assignment_id),
    )
    return builder.as_markup()
