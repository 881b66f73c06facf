"""Per question type: reading typed answers and button presses, showing a question and an answer.

Nothing here moves the cursor; the runner in ``surveys.engine`` decides where to go next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from surveys.branching import Choice, age_on
from surveys.schema import Question
from surveys.state import Button, Context, Translate

__all__ = [
    "Accepted",
    "DraftChanged",
    "Rejected",
    "answer_buttons",
    "choice_limits",
    "format_answer",
    "parse_press",
    "parse_text",
    "question_hint",
]

_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_INT = re.compile(r"^[+-]?\d{1,9}$")
_UNBOUNDED_AGE = 150
_CHOICE_TYPES = ("single", "multi", "dynamic", "ranking")
# Label lengths that still fit three or two buttons across a phone screen.
_NARROW_LABEL = 9
_HALF_LABEL = 18


@dataclass(frozen=True, slots=True)
class Accepted:
    value: Any


@dataclass(frozen=True, slots=True)
class DraftChanged:
    draft: list[str]


@dataclass(frozen=True, slots=True)
class Rejected:
    hint: str


def _normal(text: str) -> str:
    words = text.casefold().replace("ё", "е").strip().rstrip(".!").split()
    return " ".join(words)


def _is_multiple(q: Question) -> bool:
    return q.type == "multi" or (q.type == "dynamic" and q.multiple)


def choice_limits(q: Question, available: int) -> tuple[int, int]:
    """(fewest, most) choices accepted now, never more than there are to choose from."""
    wanted = q.max_choices if q.type != "ranking" else q.rank_top_n
    high = min(wanted or available, available)
    low = q.min_choices if q.min_choices is not None else 1
    return min(low, high), high


# -- typed answers -------------------------------------------------------------------------


def parse_text(
    q: Question, text: str, offered: list[Choice], ctx: Context, t: Translate
) -> Accepted | Rejected:
    raw = text.strip()
    if q.type in ("short_text", "long_text"):
        if not raw:
            return Rejected(t("survey.error.empty"))
        if len(raw) > q.text_limit:
            return Rejected(t("survey.error.too_long", max=q.text_limit, n=len(raw)))
        return Accepted(raw)
    if q.type in ("number", "scale"):
        return _parse_number(q, raw, t)
    if q.type == "date":
        return _parse_date(q, raw, ctx, t)
    if q.type == "yesno":
        return _parse_yesno(raw, t)
    if q.type == "single" or (q.type == "dynamic" and not q.multiple):
        for choice in offered:
            if _normal(choice.label) == _normal(raw):
                return Accepted(choice.key)
        return Rejected(t("survey.error.choose_option"))
    return Rejected(t("survey.error.use_buttons"))


def _parse_number(q: Question, raw: str, t: Translate) -> Accepted | Rejected:
    assert q.min is not None and q.max is not None
    key = "survey.error.scale" if q.type == "scale" else "survey.error.number"
    compact = raw.replace(" ", "")
    if _INT.match(compact) and q.min <= int(compact) <= q.max:
        return Accepted(int(compact))
    return Rejected(t(key, min=q.min, max=q.max))


def _parse_yesno(raw: str, t: Translate) -> Accepted | Rejected:
    for value, key in ((True, "yes"), (False, "no")):
        words = [t(f"survey.button.{key}"), *t(f"survey.words.{key}").split(",")]
        if _normal(raw) in {_normal(word) for word in words}:
            return Accepted(value)
    return Rejected(t("survey.error.yesno"))


def _parse_date(q: Question, raw: str, ctx: Context, t: Translate) -> Accepted | Rejected:
    match = _DATE.match(raw.replace(" ", ""))
    if match is None:
        return Rejected(t("survey.error.date_format", example=date_example(q, ctx.today)))
    day, month, year = (int(part) for part in match.groups())
    try:
        given = date(year, month, day)
    except ValueError:
        return Rejected(t("survey.error.date_impossible"))
    if q.min_age is not None or q.max_age is not None:
        if given > ctx.today:
            return Rejected(t("survey.error.date_future"))
        age = age_on(given, ctx.today)
        low, high = q.min_age or 0, q.max_age if q.max_age is not None else _UNBOUNDED_AGE
        if not low <= age <= high:
            return Rejected(t("survey.error.date_age", age=age, min=low, max=high))
    first, last = q.min_year or 1900, q.max_year or 2100
    if not first <= given.year <= last:
        return Rejected(t("survey.error.date_range", first=f"01.01.{first}", last=f"31.12.{last}"))
    return Accepted(given.isoformat())


# -- button presses ------------------------------------------------------------------------


def parse_press(
    q: Question, action: str, draft: list[str], offered: list[Choice], t: Translate
) -> Accepted | DraftChanged | Rejected | None:
    """A press on one of the question's own buttons; None when the action is not one."""
    kind, _, token = action.partition(":")
    by_token = {choice.token: choice for choice in offered}
    if q.type == "yesno" and action in ("yes", "no"):
        return Accepted(action == "yes")
    if q.type == "scale" and kind == "v" and _INT.match(token):
        value = int(token)
        assert q.min is not None and q.max is not None
        return Accepted(value) if q.min <= value <= q.max else None
    if kind == "o" and token in by_token and q.type in ("single", "dynamic"):
        return None if _is_multiple(q) else Accepted(by_token[token].key)
    if _is_multiple(q) and kind == "t" and token in by_token:
        return _toggle(q, draft, by_token[token].key, len(offered), t)
    if q.type == "ranking" and kind == "r" and token in by_token:
        return _rank(q, draft, by_token[token].key, len(offered), t)
    if q.type == "ranking" and action == "undo":
        return DraftChanged(draft[:-1]) if draft else None
    if action == "done" and (_is_multiple(q) or q.type == "ranking"):
        return _finish(q, draft, offered, t)
    return None


def _toggle(q: Question, draft: list[str], key: str, available: int, t: Translate) -> Any:
    if key in draft:
        return DraftChanged([item for item in draft if item != key])
    _, high = choice_limits(q, available)
    if len(draft) >= high:
        return Rejected(t("survey.error.too_many", max=high))
    return DraftChanged([*draft, key])


def _rank(q: Question, draft: list[str], key: str, available: int, t: Translate) -> Any:
    if key in draft:
        return Rejected(t("survey.error.already_ranked", n=draft.index(key) + 1))
    _, high = choice_limits(q, available)
    if len(draft) >= high:
        return Rejected(t("survey.error.too_many", max=high))
    return DraftChanged([*draft, key])


def _finish(q: Question, draft: list[str], offered: list[Choice], t: Translate) -> Any:
    keys = [choice.key for choice in offered]
    kept = [key for key in draft if key in keys]  # an option may have gone since it was ticked
    low, high = choice_limits(q, len(offered))
    if len(kept) < low or not offered:
        return Rejected(t("survey.error.too_few", min=max(low, 1)))
    if len(kept) > high:
        return Rejected(t("survey.error.too_many", max=high))
    # A ranking keeps the order of the presses; a plain choice the order of the list.
    return Accepted(kept if q.type == "ranking" else [key for key in keys if key in kept])


# -- showing -------------------------------------------------------------------------------


def date_example(q: Question, today: date) -> str:
    """An example that is itself a good answer today: a birth date of an age the question
    accepts, any other date a little in the past, inside the question's years."""
    if q.min_age is not None or q.max_age is not None:
        low = q.min_age or 0
        high = q.max_age if q.max_age is not None else low + 20
        years = (low + high) // 2
        example = date(today.year - years - 1, 3, 5)
    else:
        example = today - timedelta(days=14)
    first, last = q.min_year or 1900, q.max_year or 2100
    if example.year < first:
        example = date(first, 3, 5)
    elif example.year > last:
        example = date(last, 3, 5)
    return example.strftime("%d.%m.%Y")


def question_hint(q: Question, offered: list[Choice], t: Translate, today: date) -> str:
    if q.type in _CHOICE_TYPES and not offered:
        return t("survey.hint.empty_list")
    if q.type in ("short_text", "long_text"):
        return t(f"survey.hint.{q.type}", max=q.text_limit)
    if q.type in ("number", "scale"):
        return t(f"survey.hint.{q.type}", min=q.min, max=q.max)
    if _is_multiple(q) or q.type == "ranking":
        low, high = choice_limits(q, len(offered))
        key = "survey.hint.ranking" if q.type == "ranking" else "survey.hint.multi"
        return t(key, min=low, max=high)
    if q.type == "date":
        return t("survey.hint.date", example=date_example(q, today))
    return t(f"survey.hint.{q.type}")


def answer_buttons(
    q: Question, current: Any, draft: list[str], offered: list[Choice], t: Translate
) -> list[list[Button]]:
    mark = t("survey.button.chosen")
    if q.type == "yesno":
        labels = {True: t("survey.button.yes"), False: t("survey.button.no")}
        return [
            [Button(_marked(labels[v], current is v, mark), "yes" if v else "no") for v in labels]
        ]
    if q.type == "scale":
        assert q.min is not None and q.max is not None
        points = [
            Button(_marked(str(v), current == v, mark), f"v:{v}") for v in range(q.min, q.max + 1)
        ]
        per_row = (len(points) + 1) // 2 if len(points) > 6 else len(points)
        return [points[i : i + per_row] for i in range(0, len(points), per_row)]
    if _is_multiple(q):
        ticks = [Button(_marked(c.label, c.key in draft, mark), f"t:{c.token}") for c in offered]
        rows = _pack(ticks, offered)
        return [*rows, [Button(t("survey.button.done"), "done")]] if offered else rows
    if q.type == "ranking":
        return _ranking_buttons(q, draft, offered, t)
    if q.type in ("single", "dynamic"):
        picks = [Button(_marked(c.label, c.key == current, mark), f"o:{c.token}") for c in offered]
        return _pack(picks, offered)
    return []


def _pack(buttons: list[Button], offered: list[Choice]) -> list[list[Button]]:
    """Short labels side by side, long ones a row each. Measured without the tick, so the
    layout does not jump when an option is ticked."""
    longest = max((len(choice.label) for choice in offered), default=0)
    per_row = 3 if longest <= _NARROW_LABEL else 2 if longest <= _HALF_LABEL else 1
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def _ranking_buttons(
    q: Question, draft: list[str], offered: list[Choice], t: Translate
) -> list[list[Button]]:
    low, high = choice_limits(q, len(offered))
    rows = []
    if len(draft) < high:
        rows = [[Button(c.label, f"r:{c.token}")] for c in offered if c.key not in draft]
    controls = [Button(t("survey.button.undo"), "undo")] if draft else []
    if offered and len(draft) >= low:
        controls.append(Button(t("survey.button.done"), "done"))
    return [*rows, controls] if controls else rows


def _marked(label: str, chosen: bool, mark: str) -> str:
    return f"{mark} {label}" if chosen else label


def format_answer(q: Question, value: Any, ctx: Context, t: Translate) -> str:
    """An answer as the respondent would read it back (the summary, "your answer")."""
    if q.type == "yesno":
        return t("survey.button.yes") if value else t("survey.button.no")
    if q.type == "scale":
        return t("survey.value.scale", value=value, max=q.max)
    if q.type == "date":
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    if q.type in ("single", "multi", "dynamic", "ranking"):
        names = _labels(q, ctx)
        keys = value if isinstance(value, list) else [value]
        shown = [names.get(key, t("survey.value.unknown")) for key in keys]
        if q.type == "ranking":
            return "; ".join(f"{n}. {label}" for n, label in enumerate(shown, start=1))
        return ", ".join(shown)
    return str(value)


def _labels(q: Question, ctx: Context) -> dict[str, str]:
    if q.dynamic_list is not None:
        return {item.id: item.label for item in ctx.dynamic_lists.get(q.dynamic_list, ())}
    return {option.code: option.label.get(ctx.locale) for option in q.options}
