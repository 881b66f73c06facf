"""The survey engine's summary and its edits, stale, forged and double presses, dynamic
lists and ranking, and any sequence of events."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.branching import visible_questions
from tests.survey_session import EN, MENTEES, MENTORS, RU, Session, answer_until, context, tour


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
