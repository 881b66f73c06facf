"""`mentorbot pairs`: propose as JSON, approve refuses without a draft, list."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli.base import cli
from tests.test_cli import _add_school, _ok, runner

__all__ = ["runner"]


def test_propose_json_then_approve_and_list(runner: CliRunner) -> None:
    org = _add_school(runner).split()[0]
    proposal = json.loads(_ok(runner, "pairs", "propose", "--org", org, "--json"))
    assert proposal["groups"] == [] and proposal["unmatched"] == []
    assert "Предложение пар" in _ok(runner, "pairs", "propose", "--org", org)
    result = runner.invoke(
        cli, ["pairs", "approve", "--org", org, "--order", "№ 12-о", "--order-date", "01.10.2026"]
    )
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output
    assert _ok(runner, "pairs", "list", "--org", org) == ""
