"""`mentorbot headcount set`, `targets set`, `stats` and `report` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli.base import cli
from tests.test_cli import _add_school, _ok, runner

__all__ = ["runner"]


def test_headcount_and_target_shape_the_stats(runner: CliRunner, tmp_path: Path) -> None:
    org = _add_school(runner).split()[0]
    _ok(runner, "headcount", "set", "--org", org, "--year", "2026", "--pupils-10-19", "40")
    _ok(runner, "targets", "set", "--kpi", "mentees_10_19", "--year", "2026", "--value", "75")
    report = json.loads(
        _ok(runner, "stats", "--scope", f"org:{org}", "--year", "2026", "--format", "json")
    )
    first = report["total"]["kpis"][0]
    assert (first["code"], first["denominator"], first["target_pct"]) == ("mentees_10_19", 40, 75.0)
    assert "Дети 10–19 лет" in _ok(runner, "stats", "--scope", f"org:{org}", "--year", "2026")

    bad = runner.invoke(cli, ["targets", "set", "--kpi", "nope", "--year", "2026", "--value", "5"])
    assert bad.exit_code != 0 and "unknown KPI" in bad.output

    out = tmp_path / "report.xlsx"
    _ok(runner, "report", "--scope", f"org:{org}", "--period", "2026-Q3", "--out", str(out))
    assert {"KPI", "Пары", "По формам", "Динамика"} <= set(load_workbook(out).sheetnames)
