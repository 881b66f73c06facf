"""The questionnaires' scales as the demo answers them: a scale's points as fractions, and the
impact items (мониторинг влияния) asked both in the intake and in the final questionnaire."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from mentoring.stats.activity import impact_questions
from surveys.branching import condition_holds
from surveys.definitions import load_definitions
from surveys.schema import Question
from surveys.state import Context

__all__ = ["Impact", "Scale", "impact_items", "scale_of", "shown"]


@dataclass(frozen=True, slots=True)
class Scale:
    code: str
    low: int
    high: int
    question: Question

    def point(self, fraction: float) -> int:
        """The scale point at `fraction` of the way from min to max, clamped."""
        return min(self.high, max(self.low, round(self.low + fraction * (self.high - self.low))))

    def fraction(self, point: int) -> float:
        return (point - self.low) / (self.high - self.low)


@dataclass(frozen=True, slots=True)
class Impact:
    """An impact item: its baseline question in the intake, its final one in satisfaction."""

    item: str
    baseline: Scale
    final: Scale


def scale_of(question: Question) -> Scale:
    assert question.min is not None and question.max is not None  # a scale has both
    return Scale(question.code, int(question.min), int(question.max), question)


@cache
def impact_items() -> dict[str, tuple[Impact, ...]]:
    """Per role, the impact items asked at both stages, from the definitions, read once."""
    registry = load_definitions()
    found: dict[str, tuple[Impact, ...]] = {}
    for role, (baseline, final) in impact_questions().items():
        intake, closing = registry.get(f"intake_{role}"), registry.get(f"satisfaction_{role}")
        final_code = {item: code for code, item in final.items()}
        found[role] = tuple(
            Impact(
                item, scale_of(intake.question(code)), scale_of(closing.question(final_code[item]))
            )
            for code, item in baseline.items()
            if item in final_code
        )
    return found


def shown(scale: Scale, answers: dict[str, Any], ctx: Context) -> bool:
    condition = scale.question.show_if
    return condition is None or condition_holds(condition, answers, ctx)
