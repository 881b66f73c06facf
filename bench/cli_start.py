"""How long an operator waits for `mentorbot` (issue #16): whole processes, start to exit.

    .venv/bin/python bench/cli_start.py [--runs 7]

Times `mentorbot --help`, `mentorbot org list` and `mentorbot invite create` (as
`python -m bot ...`, the same entry point) against `python -c pass` in the same run: the
runs take turns, so a busy machine slows every command alike. The database is a temporary
SQLite file with one school, created and migrated (untimed) before the runs; BOT_TOKEN and
BOT_USERNAME are unset, so `invite create` names the sandbox bot without asking Telegram.
The goal is under 1 s for each command. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 1.0
BASELINE = "python -c pass"
COMMANDS = {
    BASELINE: ["-c", "pass"],
    "mentorbot --help": ["-m", "bot", "--help"],
    "mentorbot org list": ["-m", "bot", "org", "list"],
    "mentorbot invite create": ["-m", "bot", "invite", "create", "--org", "1", "--role", "mentor"],
}


def _environment(workdir: Path) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in {"BOT_TOKEN", "BOT_USERNAME", "TELEGRAM_API_BASE", "DATABASE_URL"}
    }
    return {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
    }


def _run(args: list[str], workdir: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *args], cwd=workdir, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        workdir = Path(tmp)
        env = _environment(workdir)
        _run(
            ["-m", "bot", "org", "add", "--name", "МБОУ СОШ № 1", "--kind", "school"], workdir, env
        )
        for command in COMMANDS.values():  # untimed: bytecode caches, the page cache
            _run(command, workdir, env)
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(args.runs):
            for name, command in COMMANDS.items():
                times[name].append(_run(command, workdir, env))

    baseline = statistics.median(times[BASELINE])
    print(f"{args.runs} runs each, wall time of the whole process (goal: under {GOAL_S:.0f} s)")
    print(f"{'':26}{'median':>9}{'min':>9}{'max':>9}{'× baseline':>12}")
    for name, measured in times.items():
        median = statistics.median(measured)
        print(
            f"{name:26}{median:8.3f}s{min(measured):8.3f}s{max(measured):8.3f}s"
            f"{median / baseline:11.1f}×"
            + ("" if name == BASELINE or median < GOAL_S else "  over the goal")
        )


if __name__ == "__main__":
    main()
