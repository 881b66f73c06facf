"""Charts a coordinator pastes into a report, drawn from the demo programme for a school, a
municipality and the region: no two texts overlap, no value label sits on a target mark,
the titles say where, for which period and as of which day, the axes end where the scale
does, and what a chart leaves out is named under it instead of drawn as empty rows."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image

from i18n import load_translator
from mentoring.demo.people import REGION
from mentoring.demo.seed import DemoSize, write_demo
from mentoring.stats.kpis import build_report, parse_period
from reports.canvas import TARGET_GID, to_png
from reports.charts import (
    ChartSubject,
    distribution_figure,
    impact_figure,
    kpi_figure,
    satisfaction_figure,
)
from reports.data import KPI_CODES, KpiValue, StatsReport
from reports.labels import label
from reports.score_charts import SUMMARY_GID
from reports.value_labels import VALUE_LABEL_GID
from storage import stats as stats_store
from storage.db import Database
from storage.migrate import upgrade

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
PERIOD = "2026-Q4"
SCALES = ("school", "municipality", "region")
Texts = Callable[..., str]
TRANSLATOR = load_translator()


def texts(locale: str) -> Texts:
    return TRANSLATOR.bind(locale)


async def _demo_reports(url: str) -> dict[str, StatsReport]:
    db = Database(url)
    try:
        await upgrade(db)
        await write_demo(db, DemoSize(orgs=24, people=1500, seed=7), force=False, now=NOW)
        async with db.connect() as conn:
            orgs = await stats_store.organisations_in_scope(conn, None)
        school = next(org for org in orgs if org.kind == "school")
        tula = frozenset(org.id for org in orgs if org.municipality == "г. Тула")
        scopes = {
            "school": (frozenset({school.id}), school.name),
            "municipality": (tula, "г. Тула"),
            "region": (None, REGION),
        }
        period = parse_period(PERIOD)
        assert period is not None
        return {
            scale: await build_report(db, ids, period, scope_label=name, now=NOW, details=True)
            for scale, (ids, name) in scopes.items()
        }
    finally:
        await db.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StatsReport]:
    path: Path = tmp_path_factory.mktemp("charts") / "demo.db"
    return asyncio.run(_demo_reports(f"sqlite+aiosqlite:///{path}"))


def charts_of(report: StatsReport, t: Texts) -> dict[str, Figure | None]:
    """Every chart of a reply, as the stats worker draws them."""
    subject = ChartSubject.of(report)  # the demo's organisations keep Moscow time
    total = report.total
    names = {
        item.item_code: label(t, f"reports.impact_item.{item.item_code}", item.item_code)
        for item in report.impact
    }
    drawn = {
        "kpi": kpi_figure(total.kpis, t, subject),
        "distribution": distribution_figure(
            total.mentee_satisfaction, total.mentor_satisfaction, t, subject
        ),
        "impact": impact_figure(report.impact, t, names, subject),
    }
    if report.by_organisation:
        drawn["satisfaction"] = satisfaction_figure(report.by_organisation, t, subject)
    return drawn


def _in_view(figure: Figure) -> set[int]:
    """Ids of the tick labels matplotlib draws (those of ticks inside the view)."""
    shown = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    shown.add(id(tick.label1))
    return shown


def drawn_texts(figure: Figure) -> list[tuple[Text, Bbox]]:
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    ticks = {
        id(tick.label1)
        for ax in figure.axes
        for axis in (ax.xaxis, ax.yaxis)
        for tick in axis.get_major_ticks()
    }
    shown = _in_view(figure)
    found = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in ticks and id(text) not in shown:
            continue
        found.append((text, text.get_window_extent(renderer)))
    return found


def target_boxes(figure: Figure) -> Iterator[Bbox]:
    """Where the target marks are drawn, in pixels, from their data by the axes' transform."""
    for ax in figure.axes:
        for artist in ax.findobj(lambda a: a.get_gid() == TARGET_GID):
            if isinstance(artist, LineCollection):
                half = float(artist.get_linewidth()[0]) * figure.dpi / 72 / 2
                for segment in artist.get_segments():
                    (x0, y0), (x1, y1) = ax.transData.transform(segment)
                    yield Bbox.from_extents(
                        min(x0, x1) - half, min(y0, y1), max(x0, x1) + half, max(y0, y1)
                    )
            elif isinstance(artist, Line2D):  # axvline: x in data, across the axes' height
                half = artist.get_linewidth() * figure.dpi / 72 / 2
                x = ax.transData.transform((artist.get_xdata()[0], 0))[0]  # type: ignore[index]
                yield Bbox.from_extents(x - half, ax.bbox.y0, x + half, ax.bbox.y1)


def _plain(text: str) -> str:
    """As a reader reads it: no-break spaces as spaces, wrapped lines joined."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def assert_pasteable(figure: Figure) -> None:
    texts_found = drawn_texts(figure)
    frame = figure.bbox
    for text, box in texts_found:
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, text.get_text()
        assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1, text.get_text()
    for index, (text, box) in enumerate(texts_found):
        for other, other_box in texts_found[index + 1 :]:
            assert not box.overlaps(other_box), (text.get_text(), other.get_text())
    values = [
        (text, box) for text, box in texts_found if text.get_gid() in (VALUE_LABEL_GID, SUMMARY_GID)
    ]
    for mark in target_boxes(figure):
        for text, box in values:
            assert not box.overlaps(mark), text.get_text()
    with Image.open(io.BytesIO(to_png(figure))) as image:
        width, height = image.size
    assert width == 1200 and 500 <= height <= 4000


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("locale", ["ru", "en"])
def test_charts_of_each_scale_are_pasteable(
    reports: dict[str, StatsReport], scale: str, locale: str
) -> None:
    drawn = charts_of(reports[scale], texts(locale))
    expected = {"kpi", "distribution", "impact"} | (
        {"satisfaction"} if scale != "school" else set()
    )
    assert {name for name, figure in drawn.items() if figure is not None} == expected
    for figure in drawn.values():
        assert figure is not None
        assert_pasteable(figure)


def _words(figure: Figure) -> str:
    return _plain("\n".join(text.get_text() for text in figure.findobj(Text)))


def test_titles_name_the_territory_the_period_and_the_day(
    reports: dict[str, StatsReport],
) -> None:
    for scale, report in reports.items():
        for figure in charts_of(report, texts("ru")).values():
            assert figure is not None
            words = _words(figure)
            assert report.scope_label in words, scale
            assert "IV квартал 2026" in words and PERIOD not in words
            assert "по состоянию на 2 декабря 2026 г." in words


def test_percent_axes_end_at_100_and_impact_starts_at_the_scale_minimum(
    reports: dict[str, StatsReport],
) -> None:
    drawn = charts_of(reports["region"], texts("ru"))
    for name in ("kpi", "satisfaction"):
        figure = drawn[name]
        assert figure is not None
        assert figure.axes[0].get_xlim() == (0, 100)
        assert figure.axes[0].get_xticklabels()[-1].get_text() == "100\u00a0%"
    impact = drawn["impact"]
    assert impact is not None
    ax = impact.axes[0]
    assert ax.get_xlim() == (1, 10)
    assert ax.get_xlabel() == "Средний балл по шкале 1–10" and ax.get_ylabel()
    values = [t.get_text() for t in ax.texts if t.get_gid() == VALUE_LABEL_GID]
    assert values and all("," in value for value in values)  # «5,0», not «5»
    assert not any("." in value for value in values)  # a decimal comma, never a point


def test_the_legend_draws_the_target_as_the_plot_does(reports: dict[str, StatsReport]) -> None:
    drawn = charts_of(reports["region"], texts("ru"))
    for name, solid in (("kpi", True), ("satisfaction", False), ("distribution", False)):
        figure = drawn[name]
        assert figure is not None
        (legend,) = figure.legends
        keys = [h for h in legend.legend_handles if isinstance(h, Line2D)]
        (key,) = keys
        xs = list(key.get_xdata())  # type: ignore[arg-type]
        assert xs[0] == xs[1]  # upright, as the marks stand
        (mark, *_) = figure.axes[0].findobj(lambda a: a.get_gid() == TARGET_GID)
        if isinstance(mark, LineCollection):
            width, colour = float(mark.get_linewidth()[0]), to_hex(mark.get_color()[0])
            dashed = mark.get_linestyle()[0][1] is not None
        else:
            assert isinstance(mark, Line2D)
            width, colour = mark.get_linewidth(), to_hex(mark.get_color())
            dashed = mark.get_linestyle() == "--"
        assert dashed is not solid and (key.get_linestyle() == "--") is dashed, name
        assert key.get_linewidth() == width and to_hex(key.get_color()) == colour, name


def test_organisations_without_answers_are_a_footnote_not_rows(
    reports: dict[str, StatsReport],
) -> None:
    report = reports["region"]
    silent = [
        org.name
        for org in report.by_organisation
        if org.mentee_satisfaction.satisfaction_pct is None
        and org.mentor_satisfaction.satisfaction_pct is None
    ]
    assert len(silent) > 3  # the demo's partner organisations ask nobody
    figure = satisfaction_figure(report.by_organisation, texts("ru"))
    assert figure is not None
    rows = _plain(" ".join(t.get_text() for t in figure.axes[0].get_yticklabels()))
    assert not [name for name in silent if _plain(name).split(",")[0] in rows]
    n = len(silent)
    noun = {1: "организация", 2: "организации", 3: "организации", 4: "организации"}.get(
        n % 10 if not 10 < n % 100 < 20 else 0, "организаций"
    )
    assert f"Без данных: {n} {noun}" in _words(figure)
    assert "нет данных" not in _words(figure)


def test_kpis_without_a_value_are_named_under_the_chart() -> None:
    t = texts("ru")
    kpis = [KpiValue(code, None, 0, 0, 70.0) for code in KPI_CODES]
    assert kpi_figure(kpis, t) is None
    kpis[0] = KpiValue(KPI_CODES[0], 64.9, 37, 57, 70.0)
    figure = kpi_figure(kpis, t)
    assert figure is not None
    assert len(figure.axes[0].get_yticklabels()) == 1
    assert "Без данных: дети 15–19 лет в роли наставников;" in _words(figure)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0, 130)),
            st.sampled_from([10.0, 30.0, 50.0, 70.0, 85.0, 100.0]),
        ),
        min_size=len(KPI_CODES),
        max_size=len(KPI_CODES),
    )
)
def test_kpi_labels_never_sit_on_targets_whatever_the_values(
    values: list[tuple[float | None, float]],
) -> None:
    kpis = [
        KpiValue(code, value, round(value or 0) * 7, 700 if value is not None else 0, target)
        for code, (value, target) in zip(KPI_CODES, values, strict=True)
    ]
    figure = kpi_figure(kpis, texts("ru"))
    if all(value is None for value, _ in values):
        assert figure is None
        return
    assert figure is not None
    assert_pasteable(figure)


def test_a_role_without_answers_is_a_footnote_and_the_mean_method_has_no_threshold(
    reports: dict[str, StatsReport],
) -> None:
    mentee = reports["municipality"].total.mentee_satisfaction
    by_mean = replace(mentee, method="mean")
    silent = replace(reports["municipality"].total.mentor_satisfaction, distribution=())
    figure = distribution_figure(by_mean, silent, texts("ru"))
    assert figure is not None
    assert len(figure.axes) == 1  # the mentors' panel is not drawn empty
    words = _words(figure)
    assert "Наставники: ответов пока нет" in words and "Средний балл:" in words
    assert not figure.legends  # no threshold to explain
    assert not list(figure.axes[0].findobj(lambda a: a.get_gid() == TARGET_GID))
    assert_pasteable(figure)
