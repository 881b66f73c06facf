"""KPI targets: the defaults of the municipal orders, per-year ladders, stored overrides."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from reports.data import KPI_CODES
from storage import headcounts as store
from storage.db import Database

__all__ = ["TargetError", "default_targets", "set_target", "targets_for"]

TARGETS_FILE = Path(__file__).parent / "data" / "targets.yaml"


class TargetError(ValueError):
    pass


@cache
def _load() -> dict[str, Any]:
    data = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))
    if set(data["defaults"]) != set(KPI_CODES):
        raise TargetError("targets.yaml: defaults must name every KPI exactly once")
    return dict(data)


def default_targets(year: int) -> dict[str, float]:
    """The file's targets for a school year: defaults with that year's ladder step applied."""
    data = _load()
    targets = {code: float(value) for code, value in data["defaults"].items()}
    for code, value in (data.get("years") or {}).get(year, {}).items():
        targets[code] = float(value)
    return targets


def merged(year: int, overrides: Mapping[str, float]) -> dict[str, float]:
    return default_targets(year) | {k: v for k, v in overrides.items() if k in KPI_CODES}


async def targets_for(db: Database, year: int) -> dict[str, float]:
    async with db.connect() as conn:
        return merged(year, await store.target_overrides(conn, year))


def check_target(kpi: str, value: float) -> None:
    if kpi not in KPI_CODES:
        raise TargetError(f"unknown KPI {kpi!r}; one of: {', '.join(KPI_CODES)}")
    if not 0 <= value <= 100:
        raise TargetError("a target is a percentage, 0–100")


async def set_target(db: Database, kpi: str, year: int, value: float, now: Any) -> None:
    check_target(kpi, value)
    async with db.begin() as conn:
        await store.set_target(conn, kpi, year, value, now)
