"""Building the messages: a question with its buttons, the summary, the thanks."""

from __future__ import annotations

from surveys.branching import Choice, choices, visible_answers, visible_questions
from surveys.definitions import SurveyDefinition
from surveys.progress import expected_total
from surveys.questions import answer_buttons, format_answer, question_hint
from surveys.schema import Question
from surveys.state import Button, Context, ResponseState, Translate, View

__all__ = ["is_skippable", "question_view", "submitted_view", "summary_view"]

_CHOICE_TYPES = ("single", "multi", "dynamic", "ranking")
# Answers typed as text; buttons already mark the current answer of the other types.
_TYPED_TYPES = ("short_text", "long_text", "number", "date")
# The summary must fit one Telegram message (4096 characters) for a long intake.
_SUMMARY_QUESTION_CHARS = 60
_SUMMARY_ANSWER_CHARS = 100
_EDIT_BUTTONS_PER_ROW = 5


def is_skippable(question: Question, offered_count: int) -> bool:
    """Optional questions, and choices with nothing to choose from (nobody attended)."""
    return not question.required or (question.type in _CHOICE_TYPES and offered_count == 0)


def _short(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def question_view(
    defn: SurveyDefinition,
    state: ResponseState,
    ctx: Context,
    t: Translate,
    *,
    intro: bool = False,
    error: str | None = None,
) -> View:
    question = defn.question(state.cursor)
    shown = [q.code for q in visible_questions(defn, state.answers, ctx)]
    number = shown.index(question.code) + 1
    offered = choices(question, visible_answers(defn, state.answers, ctx), ctx)
    current = state.answers.get(question.code)
    draft = state.draft
    if draft is None:
        draft = list(current) if isinstance(current, list) else []

    blocks = [t("survey.error_line", hint=error)] if error else []
    if intro:
        blocks.append(defn.intro.get(ctx.locale))
    total = max(expected_total(defn, state.answers, state.skipped, ctx), len(shown))
    blocks.append(_progress(defn, question, number, total, ctx, t))
    body = question.text.get(ctx.locale)
    if question.help is not None:
        body += "\n" + question.help.get(ctx.locale)
    blocks += [body, _hint(question, offered, ctx, t)]
    profiles = [
        t("survey.profile_line", label=c.label, profile=c.profile) for c in offered if c.profile
    ]
    if profiles:
        blocks.append("\n".join(profiles))
    if question.type == "ranking" and draft:
        labels = {c.key: c.label for c in offered}
        picked = [f"{n}. {labels.get(key, key)}" for n, key in enumerate(draft, start=1)]
        blocks.append("\n".join([t("survey.ranking_picked"), *picked]))
    elif current is not None and question.type in _TYPED_TYPES:
        blocks.append(t("survey.current", answer=format_answer(question, current, ctx, t)))

    buttons = answer_buttons(question, current, draft, offered, t)
    nav = []
    if number > 1 or state.editing:
        back = "survey.button.back_to_summary" if state.editing else "survey.button.back"
        nav.append(Button(t(back), "back"))
    if is_skippable(question, len(offered)):
        nav.append(Button(t("survey.button.skip"), "skip"))
    # Multi-choice and ranking keep their answer with "Done"; the rest get "Keep".
    uses_done = question.type in ("multi", "ranking") or question.multiple
    if current is not None and not uses_done:
        nav.append(Button(t("survey.button.keep"), "keep"))
    return View("\n\n".join(blocks), [*buttons, nav] if nav else buttons)


def _hint(question: Question, offered: list[Choice], ctx: Context, t: Translate) -> str:
    hint = question_hint(question, offered, t, ctx.today)
    if not question.required and (offered or question.type not in _CHOICE_TYPES):
        hint += " " + t("survey.optional")  # an empty list already says it may be skipped
    if question.scale_labels is not None:
        low, high = question.scale_labels.low, question.scale_labels.high
        ends = {"low": low.get(ctx.locale), "high": high.get(ctx.locale)}
        hint += "\n" + t("survey.hint.scale_ends", min=question.min, max=question.max, **ends)
    return hint


def _progress(
    defn: SurveyDefinition, question: Question, n: int, total: int, ctx: Context, t: Translate
) -> str:
    for section in defn.sections:
        if section.code == question.section:
            return t(
                "survey.progress_section", n=n, total=total, section=section.title.get(ctx.locale)
            )
    return t("survey.progress", n=n, total=total)


def summary_view(
    defn: SurveyDefinition,
    state: ResponseState,
    ctx: Context,
    t: Translate,
    *,
    error: str | None = None,
) -> View:
    shown = visible_questions(defn, state.answers, ctx)
    lines = []
    for n, question in enumerate(shown, start=1):
        if question.code in state.answers:
            answer = format_answer(question, state.answers[question.code], ctx, t)
            answer = _short(answer, _SUMMARY_ANSWER_CHARS)
        elif question.code in state.skipped:
            answer = t("survey.summary.skipped")
        else:
            answer = t("survey.summary.unanswered")
        title = _short(question.text.get(ctx.locale), _SUMMARY_QUESTION_CHARS)
        lines.append(t("survey.summary.item", n=n, question=title, answer=answer))
    blocks = [t("survey.error_line", hint=error)] if error else []
    blocks += [t("survey.summary.header"), "\n".join(lines), t("survey.summary.footer")]
    edits = [Button(t("survey.button.edit", n=n), f"edit:{n}") for n in range(1, len(shown) + 1)]
    rows = [
        edits[i : i + _EDIT_BUTTONS_PER_ROW] for i in range(0, len(edits), _EDIT_BUTTONS_PER_ROW)
    ]
    rows.append(
        [Button(t("survey.button.back"), "back"), Button(t("survey.button.submit"), "submit")]
    )
    return View("\n\n".join(blocks), rows)


def submitted_view(defn: SurveyDefinition, ctx: Context) -> View:
    return View(defn.outro.get(ctx.locale))
