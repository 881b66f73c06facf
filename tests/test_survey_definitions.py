"""Questionnaire files: the shipped ones load and can be answered; broken ones are named."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from surveys.definitions import (
    DATA_DIR,
    DefinitionError,
    SurveyDefinition,
    load_definition_file,
    load_definitions,
)
from surveys.engine import Context, DynamicOption, Outcome, Press, TextInput, handle, start

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2025, 9, 1)
SHIPPED = {
    "intake_mentee", "intake_mentor", "preference_mentee", "preference_mentor", "feedback",
    "satisfaction_mentee", "satisfaction_mentor",
}  # fmt: skip
# What mentoring/matching/solver.py reads from the intake; renaming one breaks matching.
MATCHING_CODES = {
    "position", "school_class", "birth_date", "experience_years", "subjects", "interests",
    "preferred_form", "kind", "format", "free_times", "share_contact",
}  # fmt: skip
FORMS = {
    "student_student", "teacher_teacher", "university_student_pupil", "university_student_student",
    "employer_pupil", "employer_student", "head_teacher",
}  # fmt: skip

GOOD = """\
code: demo
version: 1
kind: feedback
audience: mentee
title: {ru: "Демо", en: "Demo"}
intro: {ru: "Начнём", en: "Let's start"}
outro: {ru: "Спасибо", en: "Thanks"}
questions:
  - code: position
    type: single
    text: {ru: "Кто вы?", en: "Who are you?"}
    options:
      - {code: pupil, label: {ru: "Ученик", en: "Pupil"}}
      - {code: teacher, label: {ru: "Учитель", en: "Teacher"}}
  - code: mood
    type: scale
    min: 1
    max: 10
    text: {ru: "Настроение?", en: "Mood?"}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def broken(tmp_path: Path, old: str, new: str) -> str:
    assert old in GOOD
    path = write(tmp_path, "demo.yaml", GOOD.replace(old, new))
    with pytest.raises(DefinitionError) as caught:
        load_definitions(tmp_path)
    return str(caught.value).replace(str(path), "demo.yaml")


def test_every_shipped_questionnaire_loads() -> None:
    registry = load_definitions()
    assert set(registry.codes()) == SHIPPED
    assert {registry.get(code).kind for code in SHIPPED} == {
        "intake", "preference", "feedback", "satisfaction",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("code", "own"), [("intake_mentee", "request_tags"), ("intake_mentor", "offer_tags")]
)
def test_the_intakes_keep_the_codes_matching_reads(code: str, own: str) -> None:
    defn = load_definitions().get(code)
    codes = {q.code for q in defn.questions}
    assert MATCHING_CODES | {own} <= codes
    assert {o.code for o in defn.question("preferred_form").options} == FORMS | {"any"}


def test_the_preference_surveys_name_the_lists_the_caller_supplies() -> None:
    registry = load_definitions()
    assert registry.get("preference_mentee").dynamic_lists == {"attended_mentors"}
    assert registry.get("preference_mentor").dynamic_lists == {"attended_mentees"}
    assert registry.get("intake_mentee").dynamic_lists == set()


def test_mentee_requests_and_mentor_offers_share_their_tag_codes() -> None:
    registry = load_definitions()
    wants = {o.code for o in registry.get("intake_mentee").question("request_tags").options}
    offers = {o.code for o in registry.get("intake_mentor").question("offer_tags").options}
    assert wants == offers


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_every_impact_item_of_the_intake_is_asked_again_at_the_end(role: str) -> None:
    registry = load_definitions()

    def items(code: str) -> set[str]:
        return {q.impact_item for q in registry.get(code).questions if q.impact_item}

    assert items(f"intake_{role}") == items(f"satisfaction_{role}") != set()
    assert (
        len([q for q in registry.get(f"satisfaction_{role}").questions if "satisfaction" in q.tags])
        == 7
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("type: scale", "type: slider", "question 'mood': unknown question type 'slider'"),
        ("min: 1\n", "min: 10\n", "question 'mood': scale needs min < max"),
        ("code: mood", "code: position", "question 'position': duplicate question code"),
        ("{ru: \"Настроение?\", en: \"Mood?\"}", "{ru: \"Настроение?\"}", "question 'mood': text.en: field required"),
        ("    text: {ru: \"Кто вы?\"", "    show_if: {question: mood, equals: 5}\n    text: {ru: \"Кто вы?\"",
         "question 'position': show_if refers to 'mood', not an earlier question"),
        ("code: teacher", "code: pupil", "question 'position': duplicate option code 'pupil'"),
        ("max: 10\n", "max: 10\n    max_length: 5\n", "question 'mood': max_length does not apply to a scale question"),
        ("code: mood\n", "code: mood\n    show_if: {question: position, equals: director}\n",
         "question 'mood': show_if value 'director' is not an option of 'position'"),
        ("code: mood\n", "code: mood\n    show_if: {question: position}\n",
         "question 'mood': show_if: a test of an answer needs exactly one of equals, in, not_in"),
        ("intro: {ru: \"Начнём\", en: \"Let's start\"}", "intro: {ru: \"Начнём\"}", "intro.en: field required"),
        ("kind: feedback", "kind: feedback\n  bad: [", "not valid YAML at line"),
        ("code: demo", "code: other", "file name does not match the survey code 'other'"),
    ],
)  # fmt: skip
def test_a_broken_file_is_named_with_the_question_and_what_is_wrong(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    error = broken(tmp_path, old, new)
    assert error.startswith(f"demo.yaml: {message}") and "\n" not in error


def test_the_message_names_the_file_as_the_project_sees_it(tmp_path: Path) -> None:
    text = (
        (DATA_DIR / "feedback.yaml").read_text(encoding="utf-8").replace("min: 1\n", "min: 11\n", 1)
    )
    path = write(tmp_path, "feedback.yaml", text)
    with pytest.raises(DefinitionError) as caught:
        load_definition_file(path, "surveys/data/feedback.yaml")
    assert (
        str(caught.value)
        == "surveys/data/feedback.yaml: question 'usefulness': scale needs min < max"
    )


def test_two_versions_of_a_survey_both_load_and_get_picks_the_right_one(tmp_path: Path) -> None:
    write(tmp_path, "demo.v1.yaml", GOOD)
    write(
        tmp_path,
        "demo.yaml",
        GOOD.replace("version: 1", "version: 2").replace("Настроение?", "Как дела?"),
    )
    registry = load_definitions(tmp_path)
    assert registry.versions("demo") == [1, 2]
    assert (
        registry.get("demo").version == 2
        and registry.get("demo", 2).question("mood").text.ru == "Как дела?"
    )
    assert registry.get("demo", 1).question("mood").text.ru == "Настроение?"
    with pytest.raises(KeyError):
        registry.get("demo", 3)


def test_a_version_defined_twice_or_misnamed_stops_the_start(tmp_path: Path) -> None:
    write(tmp_path, "demo.yaml", GOOD)
    write(tmp_path, "demo.v1.yaml", GOOD)
    with pytest.raises(DefinitionError, match="demo version 1 is defined twice"):
        load_definitions(tmp_path)
    write(tmp_path, "demo.v1.yaml", GOOD.replace("version: 1", "version: 2"))
    with pytest.raises(
        DefinitionError, match=r"demo\.v1\.yaml: file name says v1, the file version 2"
    ):
        load_definitions(tmp_path)


# -- every shipped questionnaire can be answered to the end, in both languages ------------------


def texts(locale: str) -> Any:
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            walk(name, value) if isinstance(value, dict) else flat.__setitem__(name, str(value))

    walk("", yaml.safe_load((ROOT / "i18n/locales" / locale / "survey.yaml").read_text("utf-8")))
    return lambda key, **params: flat[key].format(**params)


def answer_validly(
    defn: SurveyDefinition, outcome: Outcome, ctx: Context, t: Any, pick: int
) -> Outcome:
    """One valid answer to the current question: the ``pick``-th option, the lowest number,
    the oldest allowed birth date; multi-choice and ranking take one and press Done."""
    question = defn.question(outcome.state.cursor)
    actions = [b.action for row in outcome.view.buttons for b in row]
    answers = [a for a in actions if a.split(":")[0] in ("o", "t", "r", "v") or a in ("yes", "no")]
    if answers:
        event: Press | TextInput = Press(outcome.state.step, answers[pick % len(answers)])
    elif "skip" in actions:
        event = Press(outcome.state.step, "skip")
    elif question.type == "date":
        age = question.max_age if question.max_age is not None else 20
        year = question.min_year or TODAY.year - age
        event = TextInput(f"01.01.{year}" if question.min_year else f"02.09.{year}")
    elif question.type == "number":
        event = TextInput(str(question.min))
    else:
        event = TextInput("Ответ" if ctx.locale == "ru" else "Answer")
    after = handle(defn, outcome.state, ctx, event, t)
    if after.state.draft:
        after = handle(defn, after.state, ctx, Press(after.state.step, "done"), t)
    assert after.changed, after.view.text
    return after


CASES = [
    ("intake_mentee", "mentee", None, 0), ("intake_mentee", "mentee", None, 1),
    ("intake_mentee", "mentee", None, 2), ("intake_mentor", "mentor", None, 0),
    ("intake_mentor", "mentor", None, 1), ("intake_mentor", "mentor", None, 2),
    ("intake_mentor", "mentor", None, 3), ("preference_mentee", "mentee", "pupil", 0),
    ("preference_mentor", "mentor", "teacher", 1), ("feedback", "mentee", "pupil", 0),
    ("satisfaction_mentee", "mentee", "pupil", 0), ("satisfaction_mentee", "mentee", "young_teacher", 1),
    ("satisfaction_mentor", "mentor", "teacher", 0), ("satisfaction_mentor", "mentor", "employer", 1),
]  # fmt: skip


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize(("code", "role", "position", "pick"), CASES)
def test_every_questionnaire_can_be_answered_to_the_end(
    code: str, role: str, position: str | None, pick: int, locale: str
) -> None:
    defn = load_definitions().get(code)
    people = [DynamicOption(str(n), f"Person {n}", "profile") for n in range(1, 5)]
    lists = {"attended_mentors": people, "attended_mentees": people}
    ctx = Context(locale, role, position, 15, lists, today=TODAY)  # type: ignore[arg-type]
    t = texts(locale)
    outcome = start(defn, ctx, t)
    assert defn.intro.get(locale) in outcome.view.text
    while outcome.state.cursor != "summary":
        outcome = answer_validly(defn, outcome, ctx, t, pick)
    assert len(outcome.view.text) < 4096  # one Telegram message
    done = handle(defn, outcome.state, ctx, Press(outcome.state.step, "submit"), t)
    assert done.submitted and done.view.text == defn.outro.get(locale)
