"""Charts for /stats: PNGs a phone shows legibly, Cyrillic without missing glyphs, no crashes."""

from __future__ import annotations

import io
import logging
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from reports.charts import (
    distribution_chart,
    impact_chart,
    kpi_chart,
    satisfaction_by_organisation_chart,
)
from reports.data import KPI_CODES, ImpactItem, KpiValue, OrganisationStats, SatisfactionFigures

LOCALES = Path(__file__).resolve().parents[1] / "i18n" / "locales"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TARGETS = dict(zip(KPI_CODES, (70, 10, 70, 30, 85, 85, 100), strict=True))


def _flatten(node: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in node.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, name)
        else:
            yield name, str(value)


def texts(locale: str) -> Callable[..., str]:
    path = LOCALES / locale / "reports.yaml"
    catalog = dict(_flatten(yaml.safe_load(path.read_text(encoding="utf-8"))))

    def t(key: str, /, **params: Any) -> str:
        return catalog[key].format(**params) if params else catalog[key]

    return t


@pytest.fixture(params=["ru", "en"])
def t(request: pytest.FixtureRequest) -> Callable[..., str]:
    return texts(request.param)


def kpis(
    values: tuple[float | None, ...] = (72.5, 4.0, None, 35.0, 88.0, 80.0, 100.0),
) -> tuple[KpiValue, ...]:
    return tuple(
        KpiValue(code, value, int(value or 0), 100 if value is not None else 0, TARGETS[code])
        for code, value in zip(KPI_CODES, values, strict=True)
    )


def figures(
    role: str, pct: float | None, counts: tuple[int, ...] = (0, 1, 2, 5, 9)
) -> SatisfactionFigures:
    bins = tuple((i * 20.0, i * 20.0 + 20.0, count) for i, count in enumerate(counts))
    return SatisfactionFigures(
        role=role,  # type: ignore[arg-type]
        method="share",
        threshold=70.0,
        satisfaction_pct=pct,
        mean_normalised=71.0,
        mean_raw=3.8,
        respondents=sum(counts),
        asked=25,
        response_rate_pct=68.0,
        distribution=bins,
    )


def organisation(
    index: int, mentee: float | None = 80.0, mentor: float | None = 90.0
) -> OrganisationStats:
    return OrganisationStats(
        organisation_id=index,
        name=f"МБОУ «Средняя общеобразовательная школа № {index}» г. Ёлкино",
        kpis=kpis(),
        mentee_satisfaction=figures("mentee", mentee),
        mentor_satisfaction=figures("mentor", mentor),
        pairs_formed=5,
        pairs_active=4,
        pairs_dissolved=1,
        meetings_held_by_type={"intro": 5, "regular": 12},
    )


def assert_phone_png(png: bytes | None) -> None:
    assert png is not None and png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    assert width >= 1000
    assert height >= 600


class GlyphLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_without_glyph_problems(render: Callable[[], bytes | None]) -> bytes | None:
    """Render, failing on any font fallback or missing-glyph complaint from matplotlib."""
    handler = GlyphLog()
    logger = logging.getLogger("matplotlib.font_manager")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png = render()
    finally:
        logger.removeHandler(handler)
    complaints = [str(w.message) for w in caught] + handler.messages
    assert not [c for c in complaints if "glyph" in c.lower() or "findfont" in c.lower()], (
        complaints
    )
    return png


def test_kpi_chart_renders_cyrillic_names_without_missing_glyphs(t: Callable[..., str]) -> None:
    png = render_without_glyph_problems(lambda: kpi_chart(kpis(), t))
    assert_phone_png(png)


def test_kpi_chart_handles_values_above_target_scale(t: Callable[..., str]) -> None:
    assert_phone_png(kpi_chart(kpis((250.0, None, None, None, None, None, 0.0)), t))


def test_satisfaction_chart_for_a_coordinators_scope(t: Callable[..., str]) -> None:
    orgs = [organisation(1), organisation(2, mentee=None, mentor=60.0), organisation(3, None, None)]
    png = render_without_glyph_problems(lambda: satisfaction_by_organisation_chart(orgs, t))
    assert_phone_png(png)


def test_satisfaction_chart_with_200_organisations_shows_top_and_bottom(
    t: Callable[..., str],
) -> None:
    orgs = [organisation(i, mentee=float(i % 101), mentor=float((i * 7) % 101)) for i in range(200)]
    png = render_without_glyph_problems(lambda: satisfaction_by_organisation_chart(orgs, t))
    assert_phone_png(png)


def test_distribution_chart_for_both_roles(t: Callable[..., str]) -> None:
    png = render_without_glyph_problems(
        lambda: distribution_chart(figures("mentee", 82.0), figures("mentor", 91.0), t)
    )
    assert_phone_png(png)


def test_impact_chart_before_and_after(t: Callable[..., str]) -> None:
    items = [
        ImpactItem("Уверенность в себе", 3.1, 4.2, 1.1, 30),
        ImpactItem("motivation", 3.8, 3.5, -0.3, 28),
        ImpactItem("only_after", None, 4.0, None, 10),
    ]
    png = render_without_glyph_problems(lambda: impact_chart(items, t, {"motivation": "Мотивация"}))
    assert_phone_png(png)


@pytest.mark.parametrize(
    "render",
    [
        lambda t: kpi_chart([], t),
        lambda t: satisfaction_by_organisation_chart([], t),
        lambda t: distribution_chart(None, None, t),
        lambda t: distribution_chart(
            figures("mentee", None, ()), figures("mentor", None, (0, 0)), t
        ),
        lambda t: impact_chart([], t),
        lambda t: impact_chart([ImpactItem("x", None, None, None, 0)], t),
    ],
)
def test_nothing_to_draw_gives_no_picture(
    render: Callable[[Callable[..., str]], bytes | None],
) -> None:
    """No empty "no data" image: the caller says a sentence instead (stats.no_chart.*)."""
    assert render(texts("ru")) is None


def test_charts_render_in_worker_threads_at_once() -> None:
    t = texts("ru")
    results: list[bytes] = []

    def work() -> None:
        results.append(kpi_chart(kpis(), t))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    for png in results:
        assert_phone_png(png)
