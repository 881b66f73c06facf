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


async def test_cli_proposes_approves_and_lists_a_real_cohort(
    db, db_url, new_user, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import os

    from tests.process import run_cli
    from tests.test_pairs import cohort

    school, _curator, _users = await cohort(db, new_user)
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("BOT_TOKEN", None)
    status, out, err = await run_cli(
        env, tmp_path, "pairs", "propose", "--org", str(school), "--json"
    )
    assert status == 0, err
    proposal = json.loads(out)
    assert proposal["groups"], "the cohort gets at least one pair"
    assert "no_parent_consent" in json.dumps(proposal["unmatched"])
    status, out, err = await run_cli(
        env,
        tmp_path,
        "pairs",
        "approve",
        "--org",
        str(school),
        "--order",
        "№ 12-о",
        "--order-date",
        "2026-10-01",
    )
    assert status == 0, err
    status, out, err = await run_cli(env, tmp_path, "pairs", "list", "--org", str(school))
    assert status == 0, err
    assert "№ 12-о" in out and ("01.10.2026" in out or "2026-10-01" in out)
