"""The survey runner: one question per message, Back and Skip, a summary, submission.

Pure: the caller passes the definition of the state's version, the respondent's context
and a translator, and gets back the new state, what to show, and which answers to store
or delete. Nothing here talks to Telegram or a database.
"""

from __future__ import annotations

from typing import Any

from surveys.branching import Choice, choices, visible_answers, visible_questions
from surveys.definitions import SurveyDefinition
from surveys.questions import Accepted, DraftChanged, Rejected, parse_press, parse_text
from surveys.schema import Question
from surveys.state import (
    SUBMITTED,
    SUMMARY,
    Button,
    Context,
    DynamicOption,
    Event,
    Outcome,
    Press,
    ResponseState,
    TextInput,
    Translate,
    View,
    WrongKind,
)
from surveys.views import is_skippable, question_view, submitted_view, summary_view

__all__ = [
    "SUBMITTED",
    "SUMMARY",
    "Button",
    "Context",
    "DynamicOption",
    "Event",
    "Outcome",
    "Press",
    "ResponseState",
    "TextInput",
    "View",
    "WrongKind",
    "handle",
    "render",
    "start",
]

# Message kinds with a name in the locale files; anything else is "other".
MESSAGE_KINDS = frozenset(
    {"sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation"}
    | {"location", "contact", "poll", "dice"}
)


def start(defn: SurveyDefinition, ctx: Context, t: Translate) -> Outcome:
    """A new response, positioned on the first question (shown after the intro)."""
    state = _settle(defn, ResponseState(survey=defn.code, version=defn.version), ctx)
    return Outcome(state, _view(defn, state, ctx, t, intro=True), changed=True)


def render(defn: SurveyDefinition, state: ResponseState, ctx: Context, t: Translate) -> View:
    """The current question (or summary, or thanks) again, e.g. after /survey."""
    _check_version(defn, state)
    return _view(defn, _settle(defn, state.copy(), ctx), ctx, t)


def handle(
    defn: SurveyDefinition, state: ResponseState, ctx: Context, event: Event, t: Translate
) -> Outcome:
    _check_version(defn, state)
    turn = _Turn(defn, _settle(defn, state.copy(), ctx), ctx, t)
    if turn.state.cursor == SUBMITTED:
        turn.notice = t("survey.notice.submitted")
    elif isinstance(event, Press) and event.step != state.step:
        turn.notice = t("survey.notice.stale")  # an older message, or a second tap
    elif isinstance(event, WrongKind):
        kind = event.kind if event.kind in MESSAGE_KINDS else "other"
        turn.error = t("survey.error.wrong_kind", kind=t(f"survey.kind.{kind}"))
    elif isinstance(event, TextInput):
        turn.on_text(event.text)
    else:
        turn.on_press(event.action)
    return turn.outcome(state)


def _check_version(defn: SurveyDefinition, state: ResponseState) -> None:
    if (defn.code, defn.version) != (state.survey, state.version):
        raise ValueError(
            f"response is for {state.survey} v{state.version}, "
            f"definition is {defn.code} v{defn.version}"
        )


def _pending(defn: SurveyDefinition, state: ResponseState, ctx: Context) -> list[Question]:
    shown = visible_questions(defn, state.answers, ctx)
    return [q for q in shown if q.code not in state.answers and q.code not in state.skipped]


def _settle(defn: SurveyDefinition, state: ResponseState, ctx: Context) -> ResponseState:
    """Put a cursor that points nowhere useful (new response, or a question the context
    now hides) on the first unanswered question. Deterministic, so render and handle agree
    without a step change."""
    if state.cursor in (SUMMARY, SUBMITTED):
        return state
    if state.cursor not in {q.code for q in visible_questions(defn, state.answers, ctx)}:
        pending = _pending(defn, state, ctx)
        state.cursor = pending[0].code if pending else SUMMARY
        state.draft = None
    return state


def _view(
    defn: SurveyDefinition,
    state: ResponseState,
    ctx: Context,
    t: Translate,
    *,
    intro: bool = False,
    error: str | None = None,
) -> View:
    if state.cursor == SUBMITTED:
        return submitted_view(defn, ctx)
    if state.cursor == SUMMARY:
        return summary_view(defn, state, ctx, t, error=error)
    return question_view(defn, state, ctx, t, intro=intro, error=error)


class _Turn:
    """One event applied to a working copy of the state."""

    def __init__(
        self, defn: SurveyDefinition, state: ResponseState, ctx: Context, t: Translate
    ) -> None:
        self.defn, self.state, self.ctx, self.t = defn, state, ctx, t
        self.saved: dict[str, Any] = {}
        self.cleared: list[str] = []
        self.error: str | None = None
        self.notice: str | None = None
        self.changed = False
        self.submitted = False

    def outcome(self, before: ResponseState) -> Outcome:
        if not self.changed:
            view = _view(self.defn, self.state, self.ctx, self.t, error=self.error)
            return Outcome(before.copy(), view, notice=self.notice)
        self.state.step = before.step + 1
        return Outcome(
            self.state,
            _view(self.defn, self.state, self.ctx, self.t, error=self.error),
            saved=list(self.saved.items()),
            cleared=self.cleared,
            notice=self.notice,
            submitted=self.submitted,
            changed=True,
        )

    def _move(self, cursor: str, *, editing: bool | None = None) -> None:
        self.state.cursor, self.state.draft, self.changed = cursor, None, True
        if editing is not None:
            self.state.editing = editing
        if cursor == SUMMARY:
            self.state.editing = False

    def _reject(self, hint: str, *, toast: bool = False) -> None:
        self.error = hint
        self.notice = hint if toast else None

    def _unknown(self) -> None:
        self.notice = self.t("survey.notice.unknown")

    # -- events ----------------------------------------------------------------------------

    def on_text(self, text: str) -> None:
        if self.state.cursor == SUMMARY:
            self._reject(self.t("survey.error.use_summary_buttons"))
            return
        question = self.defn.question(self.state.cursor)
        result = parse_text(question, text, self._offered(question), self.ctx, self.t)
        if isinstance(result, Accepted):
            self._answer(question, result.value)
        else:
            self._reject(result.hint)

    def on_press(self, action: str) -> None:
        if self.state.cursor == SUMMARY:
            self._on_summary_press(action)
            return
        question = self.defn.question(self.state.cursor)
        if action == "back":
            self._back(question)
        elif action == "skip":
            self._skip(question)
        elif action == "keep" and question.code in self.state.answers:
            self._advance(question)
        else:
            self._on_answer_press(question, action)

    def _on_answer_press(self, question: Question, action: str) -> None:
        draft = self.state.draft
        if draft is None:
            current = self.state.answers.get(question.code)
            draft = list(current) if isinstance(current, list) else []
        offered = self._offered(question)
        result = parse_press(question, action, draft, offered, self.t)
        if isinstance(result, Accepted):
            self._answer(question, result.value)
        elif isinstance(result, DraftChanged):
            self.state.draft, self.changed = result.draft, True
        elif isinstance(result, Rejected):
            self._reject(result.hint, toast=True)
        else:
            self._unknown()

    def _on_summary_press(self, action: str) -> None:
        shown = visible_questions(self.defn, self.state.answers, self.ctx)
        kind, _, number = action.partition(":")
        if kind == "edit" and number.isdigit() and 1 <= int(number) <= len(shown):
            self._move(shown[int(number) - 1].code, editing=True)
        elif action == "back" and shown:
            self._move(shown[-1].code)
        elif action == "submit":
            pending = _pending(self.defn, self.state, self.ctx)
            if pending:  # the context changed since the summary was shown
                self._move(pending[0].code)
                self._reject(self.t("survey.error.missing"), toast=True)
            else:
                self._move(SUBMITTED)
                self.submitted = True
        else:
            self._unknown()

    # -- moves -----------------------------------------------------------------------------

    def _offered(self, question: Question) -> list[Choice]:
        seen = visible_answers(self.defn, self.state.answers, self.ctx)
        return choices(question, seen, self.ctx)

    def _back(self, question: Question) -> None:
        if self.state.editing:
            self._move(SUMMARY)
            return
        codes = [q.code for q in visible_questions(self.defn, self.state.answers, self.ctx)]
        index = codes.index(question.code)
        if index == 0:
            self._unknown()
        else:
            self._move(codes[index - 1])

    def _skip(self, question: Question) -> None:
        if not is_skippable(question, len(self._offered(question))):
            self._reject(self.t("survey.error.required"), toast=True)
            return
        if question.code in self.state.answers:
            self._clear(question.code)
        if question.code not in self.state.skipped:
            self.state.skipped.append(question.code)
        self._tidy()
        self._advance(question)

    def _answer(self, question: Question, value: Any) -> None:
        if self.state.answers.get(question.code) != value:
            self.state.answers[question.code] = value
            self.saved[question.code] = value
            if question.code in self.cleared:
                self.cleared.remove(question.code)
        if question.code in self.state.skipped:
            self.state.skipped.remove(question.code)
        self._tidy()
        self._advance(question)

    def _advance(self, question: Question) -> None:
        """On to the next question still waiting for an answer after this one; when none is
        left, to the summary. After Back and a changed answer this jumps over what is
        already answered instead of walking through it again."""
        shown = [q.code for q in visible_questions(self.defn, self.state.answers, self.ctx)]
        pending = [q.code for q in _pending(self.defn, self.state, self.ctx)]
        here = shown.index(question.code) if question.code in shown else -1
        later = [code for code in pending if shown.index(code) > here]
        self._move((later or pending or [SUMMARY])[0])

    def _clear(self, code: str) -> None:
        del self.state.answers[code]
        self.saved.pop(code, None)
        if code not in self.cleared:
            self.cleared.append(code)

    def _tidy(self) -> None:
        """Drop answers that a changed answer made meaningless: questions now hidden, and
        options now hidden (a pupil's form of mentoring after the position became teacher).
        Repeats because each removal may hide more."""
        while self._tidy_once():
            pass
        shown = {q.code for q in visible_questions(self.defn, self.state.answers, self.ctx)}
        self.state.skipped = [code for code in self.state.skipped if code in shown]

    def _tidy_once(self) -> bool:
        answers = self.state.answers
        shown = visible_questions(self.defn, answers, self.ctx)
        for code in [code for code in answers if code not in {q.code for q in shown}]:
            self._clear(code)
            return True
        for question in shown:
            if question.code not in answers or question.dynamic_list is not None:
                continue  # run-time lists change on their own; keep what was chosen then
            if not any(option.show_if for option in question.options):
                continue
            allowed = {choice.key for choice in self._offered(question)}
            value = answers[question.code]
            kept = [key for key in value if key in allowed] if isinstance(value, list) else value
            if isinstance(value, list) and kept and kept != value:
                answers[question.code] = self.saved[question.code] = kept
                return True
            if (isinstance(value, list) and not kept) or (
                isinstance(value, str) and value not in allowed
            ):
                self._clear(question.code)
                return True
        return False
