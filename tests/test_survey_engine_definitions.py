"""The survey engine across a restart and a new version, in both locales, and on the
real intake definitions."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from surveys.definitions import Registry, load_definitions
from surveys.engine import ResponseState, TextInput, handle, render
from tests.survey_session import EN, ROOT, RU, Session, answer_until, context, tour


def test_resuming_after_a_restart_shows_the_same_question() -> None:
    s = answer_until(Session(tour()), "topics")
    s.tap("Музыка")
    restored = ResponseState.from_dict(json.loads(json.dumps(s.state.to_dict())))
    view = render(s.defn, restored, s.ctx, RU)
    assert view == s.outcome.view and "✔ Музыка" in [b.label for r in view.buttons for b in r]


def test_a_version_1_response_keeps_working_when_version_2_is_registered() -> None:
    v1 = tour()
    v2 = tour(version=2, questions=[q.model_dump(by_alias=True, exclude_unset=True) for q in
                                    v1.questions[:4]])  # fmt: skip
    registry = Registry()
    registry.add(v1)
    s = answer_until(Session(registry.get("tour")), "mood")
    registry.add(v2)
    assert registry.get("tour").version == 2
    s.defn = registry.get(s.state.survey, s.state.version)
    answer_until(s, "summary")
    assert "Настроение?" in s.text and s.tap("Отправить ✅").submitted
    fresh = Session(registry.get("tour"))
    assert fresh.state.version == 2 and "Вопрос 1 из 3" in fresh.text
    with pytest.raises(ValueError, match="tour v1"):
        handle(registry.get("tour"), s.state, s.ctx, TextInput("x"), RU)


def test_english_texts_come_from_the_definition_and_the_locale_file() -> None:
    s = Session(tour(), context(locale="en"), EN)
    assert "Question 1 of 11" in s.text and "Who are you?" in s.text
    s.send("wrong")
    assert "Choose an option with the buttons" in s.text


def test_both_locale_files_define_the_same_keys() -> None:
    def keys(locale: str) -> set[str]:
        def walk(prefix: str, node: Any) -> set[str]:
            if not isinstance(node, dict):
                return {prefix}
            return {k for key, value in node.items() for k in walk(f"{prefix}.{key}", value)}

        path = ROOT / "i18n/locales" / locale / "survey.yaml"
        return walk("", yaml.safe_load(path.read_text("utf-8")))

    assert keys("ru") == keys("en")


def intake(code: str = "intake_mentee", **ctx: Any) -> Session:
    return Session(load_definitions().get(code), context(dynamic_lists={}, **ctx))


def pupil_up_to_the_form(s: Session) -> Session:
    for tap in ("Школьник", "7 класс"):
        s.tap(tap)
    s.send("05.03.2011")  # 14 years old on TODAY
    assert s.at == "subjects" and "Начальные классы" not in s.labels
    for tap in ("Физика", "Готово ✔", "Наука и исследования", "Готово ✔"):
        s.tap(tap)
    assert "Методика уроков" not in s.labels
    for tap in ("Проект или исследование", "Выбор профессии", "Готово ✔", "Пропустить ▶"):
        s.tap(tap)
    assert s.at == "preferred_form"
    return s


def test_a_pupil_is_not_asked_about_teaching_and_sees_pupil_forms_only() -> None:
    s = pupil_up_to_the_form(intake())
    assert "experience_years" not in s.state.answers and "Вопрос 8 из 16" in s.text
    assert "Опытный педагог (учитель — учитель)" not in s.labels
    assert "Специалист с предприятия (работодатель — ученик)" in s.labels  # 13 and older


def test_changing_the_position_drops_choices_that_no_longer_fit() -> None:
    s = pupil_up_to_the_form(intake())
    s.tap("Старшеклассник (ученик — ученик)")
    assert s.stored["request_tags"] == ["projects", "career"]
    while s.at != "position":
        s.tap("◀ Назад")
    changed = s.tap("Педагог: молодой специалист или новый сотрудник")
    assert set(changed.cleared) == {"school_class", "birth_date", "preferred_form"}
    assert ("request_tags", ["projects"]) in changed.saved  # "career" is for pupils only
    assert s.at == "experience_years"
    s.send("1")
    assert s.at == "preferred_form" and "Опытный педагог (учитель — учитель)" in s.labels


def test_the_career_item_is_asked_only_from_thirteen() -> None:
    young = intake("satisfaction_mentee", position="pupil", age=11)
    older = intake("satisfaction_mentee", position="pupil", age=15)
    teacher = intake("satisfaction_mentee", position="young_teacher", age=None)
    totals = [s.text.split(" из ")[1].split(" ")[0] for s in (young, older, teacher)]
    assert totals == ["14", "15", "15"]  # of 17: career from 13, two items for teachers only
