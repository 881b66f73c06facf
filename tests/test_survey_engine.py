"""The survey engine question by question: every type answered, hints for bad input,
going back, skipping, and the progress shown (see tests/survey_session.py)."""

from __future__ import annotations

import pytest

from tests.survey_session import PUPIL_ANSWERS, Session, answer_until, tour


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
