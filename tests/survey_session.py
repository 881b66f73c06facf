"""The survey engine driven like a respondent would drive it, one message or tap at a time.

A ``Session`` plays the handler: it applies ``saved``/``cleared`` to a fake database row,
stores the state as JSON after every change and reads it back (a restart between any two
messages), and checks that every button action fits Telegram's callback data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from surveys.definitions import SurveyDefinition
from surveys.engine import (
    Context,
    DynamicOption,
    Outcome,
    Press,
    ResponseState,
    TextInput,
    WrongKind,
    handle,
    start,
)

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2025, 9, 1)


def load_texts(locale: str) -> Any:
    """The app's translator in miniature: flatten nested keys with dots, then str.format."""
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(name, value)
            else:
                flat[name] = str(value)

    walk("", yaml.safe_load((ROOT / "i18n/locales" / locale / "survey.yaml").read_text("utf-8")))
    return lambda key, **params: flat[key].format(**params)


RU, EN = load_texts("ru"), load_texts("en")
MENTORS = [
    DynamicOption("17", "Анна Петровна", "учитель физики, 12 лет стажа"),
    DynamicOption("23", "Игорь Сергеевич", "инженер-программист"),
    DynamicOption("42", "Мария Ивановна", "студентка педвуза"),
]
MENTEES = [DynamicOption("5", "Петя", "7 класс"), DynamicOption("6", "Оля", "8 класс")]


def ru_en(ru: str, en: str | None = None) -> dict[str, str]:
    return {"ru": ru, "en": en or ru}


def option(code: str, label: str) -> dict[str, Any]:
    return {"code": code, "label": ru_en(label)}


def tour(version: int = 1, **changes: Any) -> SurveyDefinition:
    """A survey with every question type, small enough to read."""
    questions: list[dict[str, Any]] = [
        {"code": "position", "type": "single", "text": ru_en("Кто вы?", "Who are you?"),
         "options": [option("pupil", "Ученик"), option("teacher", "Учитель")]},
        {"code": "birth_date", "type": "date", "min_age": 10, "max_age": 19,
         "text": ru_en("Дата рождения?"), "show_if": {"question": "position", "equals": "pupil"}},
        {"code": "experience", "type": "number", "min": 0, "max": 40,
         "text": ru_en("Стаж?"), "show_if": {"question": "position", "equals": "teacher"}},
        {"code": "topics", "type": "multi", "max_choices": 2, "text": ru_en("Темы?"),
         "options": [option("math", "Математика"), option("physics", "Физика"),
                     option("history", "История"), option("music", "Музыка")]},
        {"code": "mood", "type": "scale", "min": 1, "max": 10, "tags": ["satisfaction"],
         "text": ru_en("Настроение?"),
         "scale_labels": {"low": ru_en("плохо"), "high": ru_en("отлично")}},
        {"code": "agree", "type": "yesno", "text": ru_en("Согласны?")},
        {"code": "nickname", "type": "short_text", "max_length": 10, "required": False,
         "text": ru_en("Как вас называть?")},
        {"code": "story", "type": "long_text", "max_length": 50, "required": False,
         "text": ru_en("Расскажите о себе.")},
        {"code": "mentor", "type": "dynamic", "dynamic_list": "mentors", "text": ru_en("Наставник?")},
        {"code": "mentees", "type": "dynamic", "dynamic_list": "mentees", "multiple": True,
         "max_choices": 2, "text": ru_en("Наставляемые?")},
        {"code": "top", "type": "ranking", "dynamic_list": "mentors", "rank_top_n": 2,
         "text": ru_en("Ваш выбор по порядку?")},
        {"code": "meeting_day", "type": "date", "min_year": 2024, "max_year": 2026,
         "text": ru_en("Когда встреча?")},
    ]  # fmt: skip
    data = {"code": "tour", "version": version, "kind": "satisfaction", "audience": "mentee",
            "title": ru_en("Тур"), "intro": ru_en("Привет!"), "outro": ru_en("Спасибо, до встречи!"),
            "questions": questions, **changes}  # fmt: skip
    return SurveyDefinition.model_validate(data)


def context(**changes: Any) -> Context:
    values: dict[str, Any] = {"locale": "ru", "role": "mentee", "position": None, "age": None,
                              "dynamic_lists": {"mentors": MENTORS, "mentees": MENTEES},
                              "today": TODAY, **changes}  # fmt: skip
    return Context(**values)


class Session:
    def __init__(self, defn: SurveyDefinition, ctx: Context | None = None, t: Any = RU) -> None:
        self.defn, self.ctx, self.t = defn, ctx or context(), t
        self.stored: dict[str, Any] = {}  # the answers rows a handler would have written
        self.row = ""
        self.state = ResponseState(defn.code, defn.version)
        self._apply(start(defn, self.ctx, t))

    def _apply(self, outcome: Outcome) -> Outcome:
        if outcome.changed:
            assert outcome.state.step == self.state.step + 1 or not self.row
            self.row = json.dumps(outcome.state.to_dict())  # persisted, as after a restart
        else:
            assert outcome.state.to_dict() == self.state.to_dict(), "state moved silently"
        for code, value in outcome.saved:
            self.stored[code] = value
        for code in outcome.cleared:
            self.stored.pop(code, None)
        self.state = ResponseState.from_dict(json.loads(self.row))
        assert self.stored == self.state.answers
        for row in outcome.view.buttons:
            for button in row:
                assert button.action.isascii() and len(button.action) <= 40
        self.outcome = outcome
        return outcome

    def send(self, text: str) -> Outcome:
        return self._apply(handle(self.defn, self.state, self.ctx, TextInput(text), self.t))

    def send_kind(self, kind: str) -> Outcome:
        return self._apply(handle(self.defn, self.state, self.ctx, WrongKind(kind), self.t))

    def press(self, action: str, step: int | None = None) -> Outcome:
        event = Press(self.state.step if step is None else step, action)
        return self._apply(handle(self.defn, self.state, self.ctx, event, self.t))

    def tap(self, label: str) -> Outcome:
        return self.press(self.action(label))

    def action(self, label: str) -> str:
        found = [b.action for row in self.outcome.view.buttons for b in row
                 if b.label == label or b.label.removeprefix("✔ ") == label]  # fmt: skip
        assert len(found) == 1, f"no single button {label!r} in {self.labels}"
        return found[0]

    @property
    def labels(self) -> list[str]:
        return [button.label for row in self.outcome.view.buttons for button in row]

    @property
    def text(self) -> str:
        return self.outcome.view.text

    @property
    def at(self) -> str:
        return self.state.cursor


PUPIL_ANSWERS: dict[str, list[tuple[str, str]]] = {
    "position": [("tap", "Ученик")],
    "birth_date": [("send", "05.03.2011")],
    "experience": [("send", "5")],
    "topics": [("tap", "Математика"), ("tap", "Готово ✔")],
    "mood": [("tap", "8")],
    "agree": [("tap", "Да")],
    "nickname": [("send", "Лиса")],
    "story": [("send", "Хочу собрать робота")],
    "mentor": [("tap", "Анна Петровна")],
    "mentees": [("tap", "Оля"), ("tap", "Готово ✔")],
    "top": [("tap", "Игорь Сергеевич"), ("tap", "Анна Петровна"), ("tap", "Готово ✔")],
    "meeting_day": [("send", "15.10.2025")],
}


def answer_until(session: Session, stop: str) -> Session:
    while session.at != stop:
        for how, what in PUPIL_ANSWERS[session.at]:
            session.tap(what) if how == "tap" else session.send(what)
    return session
