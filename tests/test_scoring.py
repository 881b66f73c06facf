"""Satisfaction percentage and impact: hand-computed cases and properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.definitions import SurveyDefinition, load_definitions
from surveys.scoring import (
    ImpactPair,
    RespondentScore,
    impact_items,
    score_response,
    summarize,
)

REGISTRY = load_definitions()
SATISFACTION = REGISTRY.get("satisfaction_mentee")
ITEMS = ["comfort", "usefulness", "clarity", "goals_achieved", "support", "organisation",
         "expectations_met"]  # fmt: skip


def text(value: str) -> dict[str, str]:
    return {"ru": value, "en": value}


def survey(*questions: dict[str, Any], kind: str = "satisfaction") -> SurveyDefinition:
    return SurveyDefinition.model_validate({
        "code": "s", "version": 1, "kind": kind, "audience": "mentee", "title": text("S"),
        "intro": text("I"), "outro": text("O"),
        "questions": [{"type": "scale", "text": text(q["code"]), **q} for q in questions],
    })  # fmt: skip


def answers(*values: int) -> dict[str, int]:
    return dict(zip(ITEMS, values, strict=False))


def test_a_respondent_scores_the_normalised_mean_of_his_satisfaction_items() -> None:
    assert score_response(SATISFACTION, answers(10, 10, 10, 10, 10, 10, 10)).normalised == 100
    assert score_response(SATISFACTION, answers(1, 1, 1, 1, 1, 1, 1)).normalised == 0
    mixed = score_response(SATISFACTION, answers(7, 8, 9))
    assert mixed.raw_mean == 8 and mixed.items == 3
    assert mixed.normalised == pytest.approx((8 - 1) / 9 * 100)  # 77.78


def test_yes_no_open_and_impact_answers_do_not_count() -> None:
    given = {"would_continue": True, "most_valuable": "всё", "confidence": 1, "comfort": 10}
    assert score_response(SATISFACTION, given) == RespondentScore(100.0, 10.0, 1)
    assert score_response(SATISFACTION, {"would_continue": True, "confidence": 5}) is None


def test_the_pairing_fit_of_a_feedback_is_scored_the_same_way() -> None:
    feedback = REGISTRY.get("feedback")
    fit = score_response(feedback, {"usefulness": 2, "as_planned": True, "fit": 10}, tag="fit")
    assert fit == RespondentScore(100.0, 10.0, 1)
    assert score_response(feedback, {"usefulness": 2}) is None  # feedback has no satisfaction


def test_items_on_different_scales_are_normalised_each_on_its_own() -> None:
    defn = survey({"code": "a", "min": 1, "max": 5, "tags": ["satisfaction"]},
                  {"code": "b", "min": 0, "max": 10, "tags": ["satisfaction"]})  # fmt: skip
    assert score_response(defn, {"a": 5, "b": 0}).normalised == 50
    assert score_response(defn, {"a": 3, "b": 10}).normalised == 75


def test_share_and_mean_methods_on_a_small_class() -> None:
    # Normalised: 100, 77.8, 66.7 and 0; one submitted without scores; 8 asked.
    scores = [score_response(SATISFACTION, answers(*v)) for v in [(10,), (7, 8, 9), (7,), (1, 1)]]
    scores.append(None)
    share = summarize(scores, asked=8)
    assert share.method == "share" and share.threshold == 70
    assert share.satisfaction_pct == 50  # 2 of 4 reach 70
    assert share.scored == 4 and share.respondents == 5 and share.response_rate_pct == 62.5
    assert share.mean_normalised == pytest.approx((100 + 700 / 9 + 600 / 9 + 0) / 4)
    assert share.mean_raw == pytest.approx((10 + 8 + 7 + 1) / 4)
    mean = summarize(scores, asked=8, method="mean")
    assert mean.satisfaction_pct == pytest.approx(share.mean_normalised)
    assert summarize(scores, asked=8, threshold=60).satisfaction_pct == 75


def test_a_mean_exactly_at_the_threshold_counts() -> None:
    # 7.3 on 1–10 is exactly 70: (7 + 7 + 8) / 3 = 7.333…, so use 1–11 where 8 is 70.
    defn = survey({"code": "a", "min": 1, "max": 11, "tags": ["satisfaction"]})
    assert summarize([score_response(defn, {"a": 8})], asked=1).satisfaction_pct == 100


def test_the_distribution_puts_every_respondent_in_one_bucket() -> None:
    scores = [RespondentScore(value, 0, 1) for value in (0, 9.99, 10, 55, 100, 100)]
    buckets = summarize(scores, asked=6, bucket_width=20).distribution
    assert [(b.low, b.high, b.count) for b in buckets] == [
        (0, 20, 3), (20, 40, 0), (40, 60, 1), (60, 80, 0), (80, 100, 2),
    ]  # fmt: skip


def test_nobody_scored_or_nobody_asked() -> None:
    empty = summarize([], asked=0)
    assert empty.satisfaction_pct is None and empty.mean_raw is None
    assert empty.response_rate_pct is None and sum(b.count for b in empty.distribution) == 0
    with pytest.raises(ValueError, match="method"):
        summarize([], asked=1, method="median")  # type: ignore[arg-type]


def test_impact_pairs_the_intake_baseline_with_the_final_answers() -> None:
    intake = REGISTRY.get("intake_mentee")
    before = {"confidence": 4, "goals_clarity": 1, "motivation": 10, "position": "pupil"}
    after = {"confidence": 7, "goals_clarity": 10, "comfort": 9}
    pairs = impact_items([(SATISFACTION, after), (intake, before)])
    assert pairs == [
        ImpactPair("confidence", pytest.approx(100 / 3), pytest.approx(200 / 3)),
        ImpactPair("goals", 0.0, 100.0),
        ImpactPair("motivation", 100.0, None),
    ]
    assert pairs[0].change == pytest.approx(100 / 3) and pairs[2].change is None


# -- properties ------------------------------------------------------------------------------

points = st.integers(1, 10)
respondent = st.lists(points, min_size=1, max_size=7)


def scored(values: list[int]) -> RespondentScore:
    score = score_response(SATISFACTION, answers(*values))
    assert score is not None
    return score


@given(st.lists(respondent, max_size=30), st.integers(0, 40), st.sampled_from(["share", "mean"]))
def test_percentages_stay_between_0_and_100(
    people: list[list[int]], extra: int, method: Any
) -> None:
    summary = summarize([scored(p) for p in people], asked=len(people) + extra, method=method)
    for value in (summary.satisfaction_pct, summary.mean_normalised):
        assert value is None or 0 <= value <= 100
    assert summary.mean_raw is None or 1 <= summary.mean_raw <= 10
    assert sum(b.count for b in summary.distribution) == len(people)


@given(st.lists(respondent, min_size=1, max_size=20), st.data())
def test_a_higher_answer_never_lowers_satisfaction(people: list[list[int]], data: Any) -> None:
    who = data.draw(st.integers(0, len(people) - 1))
    item = data.draw(st.integers(0, len(people[who]) - 1))
    better = [list(p) for p in people]
    better[who][item] = data.draw(st.integers(better[who][item], 10))
    assert scored(better[who]).normalised >= scored(people[who]).normalised
    for method in ("share", "mean"):
        low = summarize([scored(p) for p in people], asked=len(people), method=method)
        high = summarize([scored(p) for p in better], asked=len(people), method=method)
        assert high.satisfaction_pct >= low.satisfaction_pct  # type: ignore[operator]


@given(points, st.integers(1, 30), st.integers(1, 7))
def test_both_methods_agree_when_everyone_gives_the_same_answer(value: int, n: int, k: int) -> None:
    people = [scored([value] * k)] * n
    share = summarize(people, asked=n, method="share").satisfaction_pct
    mean = summarize(people, asked=n, method="mean").satisfaction_pct
    assert mean == pytest.approx((value - 1) / 9 * 100)
    assert share == (100 if mean >= 70 else 0)  # type: ignore[operator]
    if value in (1, 10):
        assert share == pytest.approx(mean)


@given(st.integers(0, 50), st.integers(1, 100))
def test_the_response_rate_is_respondents_over_asked(respondents: int, asked: int) -> None:
    summary = summarize([None] * respondents, asked=asked)
    assert summary.response_rate_pct == pytest.approx(respondents / asked * 100)
    assert summary.respondents == respondents and summary.scored == 0
