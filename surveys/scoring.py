"""Satisfaction percentage and impact (before/after) from survey answers. Pure functions.

No official formula exists, so the method is a setting (DESIGN, "Satisfaction
percentage"): ``share`` counts respondents whose normalised mean reaches the threshold,
``mean`` averages the normalised means. A response is scored once, when submitted
(``score_response``), and reports aggregate those scores (``summarize``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from statistics import fmean
from typing import Any, Literal

from surveys.definitions import SurveyDefinition
from surveys.schema import Question

__all__ = [
    "DEFAULT_THRESHOLD",
    "Bucket",
    "ImpactPair",
    "Method",
    "RespondentScore",
    "SatisfactionSummary",
    "ScoreTally",
    "bucket_edges",
    "bucket_of",
    "figures_of",
    "impact_items",
    "impact_values",
    "normalise",
    "satisfaction_questions",
    "score_response",
    "summarize",
    "summary_of",
    "tally",
]

Method = Literal["share", "mean"]
DEFAULT_THRESHOLD = 70.0
SATISFACTION_TAG = "satisfaction"


@dataclass(frozen=True, slots=True)
class RespondentScore:
    """One respondent: ``normalised`` is 0–100, ``raw_mean`` on the items' own scale."""

    normalised: float
    raw_mean: float
    items: int


@dataclass(frozen=True, slots=True)
class Bucket:
    """Respondents whose normalised score is in [low, high); the last bucket includes 100."""

    low: float
    high: float
    count: int


@dataclass(frozen=True, slots=True)
class SatisfactionSummary:
    method: Method
    threshold: float
    satisfaction_pct: float | None  # by ``method``; None when nobody was scored
    mean_normalised: float | None
    mean_raw: float | None
    scored: int  # respondents with at least one satisfaction answer
    respondents: int  # submitted responses
    asked: int
    response_rate_pct: float | None  # respondents / asked × 100; None when nobody was asked
    distribution: tuple[Bucket, ...]


def normalise(value: float, low: float, high: float) -> float:
    """(x − min)/(max − min) × 100, clamped to 0–100."""
    return min(100.0, max(0.0, (value - low) / (high - low) * 100.0))


def _scale_value(question: Question, answers: Mapping[str, Any]) -> int | None:
    value = answers.get(question.code)
    # bool is an int in Python; a yes/no answer is never a score.
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def satisfaction_questions(defn: SurveyDefinition, tag: str = SATISFACTION_TAG) -> list[Question]:
    return [q for q in defn.questions if q.type == "scale" and tag in q.tags]


def score_response(
    defn: SurveyDefinition, answers: Mapping[str, Any], tag: str = SATISFACTION_TAG
) -> RespondentScore | None:
    """The mean of the scale answers tagged ``tag``; None when none was answered.

    ``tag="fit"`` scores the pairing fit of a feedback response the same way. Each answer
    is normalised on its own question's scale before averaging, which equals normalising
    the mean when all items share a scale and stays right when they do not.
    """
    normalised: list[float] = []
    raw: list[int] = []
    for question in satisfaction_questions(defn, tag):
        value = _scale_value(question, answers)
        if value is None:
            continue
        assert question.min is not None and question.max is not None
        raw.append(value)
        normalised.append(normalise(value, question.min, question.max))
    if not raw:
        return None
    # Rounded so that a mean exactly at the threshold (e.g. 70) is not lost to float noise.
    return RespondentScore(round(fmean(normalised), 9), fmean(raw), len(raw))


@cache
def bucket_edges(width: float) -> tuple[float, ...]:
    """Lower edges of the distribution's buckets over 0–100."""
    if width <= 0:
        raise ValueError("bucket_width must be positive")
    edges: list[float] = []
    edge = 0.0
    while edge < 100.0:
        edges.append(edge)
        edge += width
    return tuple(edges)


def bucket_of(score: float, width: float, buckets: int) -> int:
    """The bucket of a normalised score; the last bucket includes 100."""
    return max(0, min(int(score // width), buckets - 1))


@dataclass(frozen=True, slots=True)
class ScoreTally:
    """Sums from which a summary is computed: additive, so organisations' tallies add up to
    the tally of their region, and SQL can produce them without returning a row per person.
    ``satisfied`` counts scored respondents at or above the threshold the tally was made for."""

    asked: int = 0
    respondents: int = 0
    scored: int = 0
    satisfied: int = 0
    sum_normalised: float = 0.0
    sum_raw: float = 0.0
    buckets: tuple[int, ...] = ()

    def __add__(self, other: ScoreTally) -> ScoreTally:
        size = max(len(self.buckets), len(other.buckets))
        mine = self.buckets + (0,) * (size - len(self.buckets))
        theirs = other.buckets + (0,) * (size - len(other.buckets))
        return ScoreTally(
            self.asked + other.asked,
            self.respondents + other.respondents,
            self.scored + other.scored,
            self.satisfied + other.satisfied,
            self.sum_normalised + other.sum_normalised,
            self.sum_raw + other.sum_raw,
            tuple(a + b for a, b in zip(mine, theirs, strict=True)),
        )


def tally(
    scores: Iterable[RespondentScore | None],
    asked: int,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    bucket_width: float = 10.0,
) -> ScoreTally:
    """The tally of one score per submitted response (None: no satisfaction item answered)."""
    given = list(scores)
    scored = [score for score in given if score is not None]
    buckets = [0] * len(bucket_edges(bucket_width))
    for score in scored:
        buckets[bucket_of(score.normalised, bucket_width, len(buckets))] += 1
    return ScoreTally(
        asked=asked,
        respondents=len(given),
        scored=len(scored),
        satisfied=sum(score.normalised >= threshold for score in scored),
        sum_normalised=sum(score.normalised for score in scored),
        sum_raw=sum(score.raw_mean for score in scored),
        buckets=tuple(buckets),
    )


def figures_of(
    counts: ScoreTally, method: Method
) -> tuple[float | None, float | None, float | None, float | None]:
    """The satisfaction %, the mean normalised and raw scores and the response rate % of a
    tally: `summary_of` without the distribution, for a region's thousand organisations."""
    if method not in ("share", "mean"):
        raise ValueError(f"unknown satisfaction method {method!r}")
    rate = counts.respondents / counts.asked * 100.0 if counts.asked > 0 else None
    if not counts.scored:
        return None, None, None, rate
    mean_normalised = counts.sum_normalised / counts.scored
    pct = counts.satisfied / counts.scored * 100.0 if method == "share" else mean_normalised
    return pct, mean_normalised, counts.sum_raw / counts.scored, rate


def summary_of(
    counts: ScoreTally,
    *,
    method: Method = "share",
    threshold: float = DEFAULT_THRESHOLD,
    bucket_width: float = 10.0,
) -> SatisfactionSummary:
    """The satisfaction summary of a tally made for the same threshold and bucket width."""
    edges = bucket_edges(bucket_width)
    buckets = counts.buckets + (0,) * (len(edges) - len(counts.buckets))
    pct, mean_normalised, mean_raw, response_rate = figures_of(counts, method)
    return SatisfactionSummary(
        method=method,
        threshold=threshold,
        satisfaction_pct=pct,
        mean_normalised=mean_normalised,
        mean_raw=mean_raw,
        scored=counts.scored,
        respondents=counts.respondents,
        asked=counts.asked,
        response_rate_pct=response_rate,
        distribution=tuple(
            Bucket(low, min(low + bucket_width, 100.0), count)
            for low, count in zip(edges, buckets, strict=True)
        ),
    )


def summarize(
    scores: Iterable[RespondentScore | None],
    asked: int,
    *,
    method: Method = "share",
    threshold: float = DEFAULT_THRESHOLD,
    bucket_width: float = 10.0,
) -> SatisfactionSummary:
    """Aggregate one score per submitted response (None: no satisfaction item answered).
    ``asked`` is how many people were sent the survey; respondents beyond it (data entered
    by hand, a changed wave) still count, so the rate may exceed 100 rather than hide it.
    """
    if method not in ("share", "mean"):
        raise ValueError(f"unknown satisfaction method {method!r}")
    counts = tally(scores, asked, threshold=threshold, bucket_width=bucket_width)
    return summary_of(counts, method=method, threshold=threshold, bucket_width=bucket_width)


# -- impact monitoring: the same items before the programme and at its end -----------------


@dataclass(frozen=True, slots=True)
class ImpactPair:
    """One impact item of one person, normalised to 0–100 at each stage."""

    item: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def impact_values(defn: SurveyDefinition, answers: Mapping[str, Any]) -> dict[str, float]:
    """item → normalised answer, for the scale questions tagged ``impact:<item>``."""
    values: dict[str, float] = {}
    for question in defn.questions:
        item = question.impact_item
        value = _scale_value(question, answers) if question.type == "scale" else None
        if item is None or value is None:
            continue
        assert question.min is not None and question.max is not None
        values[item] = normalise(value, question.min, question.max)
    return values


def impact_items(
    answers_by_definition: Iterable[tuple[SurveyDefinition, Mapping[str, Any]]],
) -> list[ImpactPair]:
    """Pair one person's baseline (intake) and final (satisfaction) answers by item.

    Takes that person's submitted responses with their definitions, in any order; items
    present at only one stage come back with the other side None. When a stage was
    answered twice, the later pair in the input wins.
    """
    before: dict[str, float] = {}
    after: dict[str, float] = {}
    for defn, answers in answers_by_definition:
        if defn.kind == "intake":
            before.update(impact_values(defn, answers))
        elif defn.kind == "satisfaction":
            after.update(impact_values(defn, answers))
    return [ImpactPair(item, before.get(item), after.get(item)) for item in sorted(before | after)]
