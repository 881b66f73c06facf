"""The survey engine driven like a respondent would drive it, one message or tap at a time.

A ``Session`` plays the handler: it applies ``saved``/``cleared`` to a fake database row,
stores the state as JSON after every change and reads it back (a restart between any two
messages), and checks that every button action fits Telegram's callback data.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.branching import visible_questions
from surveys.definitions import Registry, SurveyDefinition, load_definitions
from surveys.engine import (
    Context,
    DynamicOption,
    Outcome,
    Press,
    ResponseState,
    TextInput,
    WrongKind,
    handle,
    render,
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

    walk("", yaml.safe_load((ROOT / "bot/locales" / locale / "survey.yaml").read_text("utf-8")))
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


def test_a_pupil_answers_every_type_checks_the_summary_and_submits() -> None:
    s = Session(tour())
    assert s.text.startswith("Привет!") and "Вопрос 1 из 11" in s.text and "Кто вы?" in s.text
    answer_until(s, "summary")
    assert s.stored == {
        "position": "pupil", "birth_date": "2011-03-05", "topics": ["math"], "mood": 8,
        "agree": True, "nickname": "Лиса", "story": "Хочу собрать робота", "mentor": "17",
        "mentees": ["6"], "top": ["23", "17"], "meeting_day": "2025-10-15",
    }  # fmt: skip
    for shown in ("1. Кто вы?", "Ученик", "05.03.2011", "8 из 10", "Да", "Оля",
                  "1. Игорь Сергеевич; 2. Анна Петровна", "15.10.2025"):  # fmt: skip
        assert shown in s.text
    assert "Отправить ✅" in s.labels and "✏️ 11" in s.labels
    done = s.tap("Отправить ✅")
    assert done.submitted and s.at == "submitted" and s.text == "Спасибо, до встречи!"
    assert not done.view.buttons


def test_each_answer_is_saved_the_moment_it_is_given() -> None:
    s = Session(tour())
    assert s.tap("Ученик").saved == [("position", "pupil")]
    assert s.send("05.03.2011").saved == [("birth_date", "2011-03-05")]
    assert s.tap("Физика").saved == []  # ticking is a draft until "Done"
    assert s.tap("Готово ✔").saved == [("topics", ["physics"])]


BAD_INPUT = [
    ("birth_date", "send", "32.13.2011", "Такой даты нет в календаре"),
    ("birth_date", "send", "2011-03-05", "Дата в формате ДД.ММ.ГГГГ, например 05.03.2010."),
    ("birth_date", "send", "05.03.1990", "возраст по ней — 35, а ожидается от 10 до 19"),
    ("birth_date", "send", "05.03.2030", "Эта дата ещё не наступила"),
    ("meeting_day", "send", "01.01.2020", "не раньше 01.01.2024 и не позже 31.12.2026"),
    ("topics", "send", "Математика", "Здесь ответ выбирают кнопками"),
    ("topics", "press", "done", "Выберите хотя бы 1."),
    ("mood", "send", "11", "Нажмите кнопку или напишите число от 1 до 10."),
    ("mood", "send", "отлично", "Нажмите кнопку или напишите число от 1 до 10."),
    ("agree", "send", "может быть", "Ответьте «Да» или «Нет»"),
    ("nickname", "send", "Лисичка-сестричка", "Не длиннее 10 символов — сейчас 17."),
    ("nickname", "send", "   ", "Ответ пустой"),
    ("story", "send", "x" * 51, "Не длиннее 50 символов — сейчас 51."),
    ("position", "send", "Директор", "Выберите вариант кнопкой под вопросом."),
    ("mentees", "press", "done", "Выберите хотя бы 1."),
    ("top", "press", "done", "Выберите хотя бы 1."),
    ("mentor", "kind", "sticker", "Стикер не подойдёт как ответ."),
    ("mood", "kind", "voice", "Голосовое сообщение не подойдёт как ответ."),
    ("nickname", "kind", "photo", "Фото не подойдёт как ответ."),
    ("top", "kind", "something_new", "Такое сообщение не подойдёт как ответ."),
]


@pytest.mark.parametrize(("where", "how", "what", "hint"), BAD_INPUT)
def test_bad_input_gets_a_hint_and_the_same_question_again(
    where: str, how: str, what: str, hint: str
) -> None:
    s = answer_until(Session(tour()), where)
    before, question = s.state.to_dict(), s.defn.question(where).text.ru
    outcome = {"send": s.send, "press": s.press, "kind": s.send_kind}[how](what)
    assert hint in s.text and question in s.text and s.text.startswith("⚠️")
    assert not outcome.changed and not outcome.saved and s.state.to_dict() == before


def test_a_teacher_typing_a_non_number_or_out_of_range_is_told_the_range() -> None:
    s = Session(tour())
    s.tap("Учитель")
    for wrong in ("пять", "41", "-1", "3.5"):
        s.send(wrong)
        assert "Введите число от 0 до 40." in s.text and s.at == "experience"
    assert s.send("3").saved == [("experience", 3)]


def test_choices_beyond_the_limit_are_refused_with_a_toast() -> None:
    s = answer_until(Session(tour()), "topics")
    s.tap("Математика")
    s.tap("Физика")
    refused = s.tap("История")
    assert refused.notice == "Выберите не больше 2." and not refused.changed
    assert s.tap("Готово ✔").saved == [("topics", ["math", "physics"])]


def test_typed_answers_that_match_a_button_are_accepted() -> None:
    s = Session(tour())
    assert s.send("ученик").saved == [("position", "pupil")]
    answer_until(s, "mood")
    assert s.send("7").saved == [("mood", 7)]
    assert s.send("Да").saved == [("agree", True)]
    answer_until(s, "mentor")
    assert s.send("мария ивановна").saved == [("mentor", "42")]


def test_back_shows_the_earlier_answer_and_a_new_answer_returns_to_where_we_were() -> None:
    s = answer_until(Session(tour()), "agree")
    s.tap("◀ Назад")
    assert s.at == "mood" and "✔ 8" in s.labels and "Оставить ответ ▶" in s.labels
    s.tap("◀ Назад")
    s.tap("◀ Назад")
    assert s.at == "birth_date" and "Ваш ответ сейчас: 05.03.2011" in s.text
    assert s.send("06.03.2011").saved == [("birth_date", "2011-03-06")]
    assert s.at == "agree"  # answered questions in between are not asked again


def test_the_first_question_has_no_back_and_a_forged_back_changes_nothing() -> None:
    s = Session(tour())
    assert "◀ Назад" not in s.labels
    assert s.press("back").notice == "Эта кнопка больше не действует." and s.at == "position"


def test_skip_is_offered_only_for_optional_questions() -> None:
    s = Session(tour())
    assert "Пропустить ▶" not in s.labels
    forged = s.press("skip")
    assert forged.notice == "На этот вопрос нужно ответить." and not forged.changed
    answer_until(s, "nickname")
    assert "Пропустить ▶" in s.labels and "можно пропустить" in s.text
    assert s.tap("Пропустить ▶").saved == [] and s.at == "story"
    answer_until(s, "summary")
    assert "Как вас называть?\n    — пропущен" in s.text and "nickname" not in s.stored


def test_skipping_an_answered_question_removes_the_answer() -> None:
    s = answer_until(Session(tour()), "story")
    s.tap("◀ Назад")
    assert s.tap("Пропустить ▶").cleared == ["nickname"] and s.at == "story"


def test_changing_an_answer_hides_questions_and_clears_their_answers() -> None:
    s = answer_until(Session(tour()), "topics")
    assert "Вопрос 3 из 11" in s.text
    s.tap("◀ Назад")
    s.tap("◀ Назад")
    changed = s.tap("Учитель")
    assert changed.cleared == ["birth_date"] and s.at == "experience"
    assert "Вопрос 2 из 11" in s.text and "birth_date" not in s.stored


def test_progress_counts_only_the_questions_shown() -> None:
    """Before the position is known the total counts the longer of its branches (one of the
    birth date and the experience), so it does not change once the position is given."""
    s = Session(tour())
    seen = []
    while s.at != "summary":
        seen.append(s.text.split("Вопрос ")[1].split("\n")[0])
        for how, what in PUPIL_ANSWERS[s.at]:
            s.tap(what) if how == "tap" else s.send(what)
    assert seen == [f"{n} из 11" for n in range(1, 12)]


def test_an_answer_is_changed_from_the_summary_and_we_come_back_to_it() -> None:
    s = answer_until(Session(tour()), "summary")
    s.tap("✏️ 4")
    assert s.at == "mood" and "◀ К ответам" in s.labels
    assert s.tap("3").saved == [("mood", 3)]
    assert s.at == "summary" and "3 из 10" in s.text
    s.tap("✏️ 2")
    s.tap("◀ К ответам")
    assert s.at == "summary" and s.stored["birth_date"] == "2011-03-05"


def test_an_edit_that_reveals_a_new_question_asks_it_before_the_summary() -> None:
    s = answer_until(Session(tour()), "summary")
    s.tap("✏️ 1")
    assert s.tap("Учитель").cleared == ["birth_date"]
    assert s.at == "experience"
    s.send("2")
    assert s.at == "summary" and "Стаж?\n    2" in s.text


def test_stale_forged_and_unknown_presses_change_nothing() -> None:
    s = answer_until(Session(tour()), "mood")
    step = s.state.step
    for outcome in (s.press("v:5", step=step - 1), s.press("v:5", step=step + 7)):
        assert outcome.notice == "Вы уже ответили на этот вопрос." and not outcome.changed
    for action in ("v:11", "o:0", "t:1", "edit:1", "submit", "x" * 40, ""):
        assert s.press(action).notice == "Эта кнопка больше не действует."
    assert s.at == "mood" and s.state.step == step and "mood" not in s.stored


def test_a_double_tap_counts_once() -> None:
    s = answer_until(Session(tour()), "topics")
    step = s.state.step
    s.press(s.action("Физика"), step=step)
    second = s.press("t:1", step=step)
    assert second.notice == "Вы уже ответили на этот вопрос." and s.state.draft == ["physics"]
    s = answer_until(Session(tour()), "summary")
    step = s.state.step
    assert s.press("submit", step=step).submitted
    again = s.press("submit", step=step)
    assert not again.submitted and again.notice == "Анкета уже отправлена. Спасибо!"


def test_text_at_the_summary_points_to_its_buttons() -> None:
    s = answer_until(Session(tour()), "summary")
    s.send("всё верно")
    assert "нажмите кнопку с его номером" in s.text and s.at == "summary"


def test_dynamic_choices_show_profiles_and_ignore_people_no_longer_listed() -> None:
    s = answer_until(Session(tour()), "mentor")
    assert "• Игорь Сергеевич — инженер-программист" in s.text
    stale_action = s.action("Мария Ивановна")
    s.ctx = context(dynamic_lists={"mentors": MENTORS[:2], "mentees": MENTEES})
    assert s.press(stale_action).notice == "Эта кнопка больше не действует."
    assert "Мария Ивановна" not in s.labels and "Анна Петровна" in s.labels


def test_an_empty_list_lets_a_required_question_be_skipped() -> None:
    s = Session(tour(), context(dynamic_lists={"mentors": [], "mentees": MENTEES}))
    answer_until(s, "mentor")
    assert "Список пока пуст" in s.text and "Пропустить ▶" in s.labels
    s.tap("Пропустить ▶")
    assert s.at == "mentees"


def test_ranking_follows_the_order_of_presses_with_undo() -> None:
    s = answer_until(Session(tour()), "top")
    assert "Готово ✔" not in s.labels
    s.tap("Мария Ивановна")
    s.tap("Анна Петровна")
    assert "1. Мария Ивановна\n2. Анна Петровна" in s.text
    assert "Игорь Сергеевич" not in s.labels  # two of two are chosen
    s.tap("↩ Убрать последнего")
    s.tap("Игорь Сергеевич")
    assert s.press("r:42").notice is not None  # already ranked first
    assert s.tap("Готово ✔").saved == [("top", ["42", "23"])]


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

        path = ROOT / "bot/locales" / locale / "survey.yaml"
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


TYPED = ["Ученик", "05.03.2011", "31.02.2011", "7", "41", "да", "нет", "Лиса", "", "x" * 60,
         "15.10.2025", "Оля", "Анна Петровна", "/survey"]  # fmt: skip
EVENTS = st.one_of(
    st.tuples(st.just("tap"), st.integers(0, 30)),
    st.tuples(st.just("stale"), st.integers(0, 30)),
    st.tuples(st.just("text"), st.sampled_from(TYPED)),
    st.tuples(st.just("kind"), st.sampled_from(["sticker", "photo", "dice"])),
    st.tuples(
        st.just("forge"), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(EVENTS, max_size=60), st.sampled_from(["ru", "en"]))
def test_any_sequence_of_events_keeps_the_response_consistent(
    events: list[tuple[str, Any]], locale: str
) -> None:
    # Session itself checks storage, the JSON round trip, steps and button actions.
    s = Session(tour(), context(locale=locale), RU if locale == "ru" else EN)
    for kind, value in events:
        if s.at == "submitted":
            break
        actions = [b.action for row in s.outcome.view.buttons for b in row]
        step = s.state.step
        if kind == "tap" and actions:
            s.press(actions[value % len(actions)])
        elif kind == "stale" and actions and step > 0:
            assert not s.press(actions[value % len(actions)], step=step - 1).changed
        elif kind == "text":
            s.send(value)
        elif kind == "kind":
            assert not s.send_kind(value).changed
        elif kind == "forge":
            s.press(value)
        assert s.state.step in (step, step + 1) and len(s.text) < 4096
        shown = [q.code for q in visible_questions(s.defn, s.state.answers, s.ctx)]
        assert s.at in [*shown, "summary", "submitted"]
        assert set(s.state.answers) <= set(shown)
