"""Benchmark of the outbox dispatcher against the Bot API sandbox (real HTTP, real aiogram).

    .venv/bin/python bench/dispatch.py                      # about a minute: two runs below
    .venv/bin/python bench/dispatch.py --messages 10000 --chats 2000 --rate 25   # ~400 s
    .venv/bin/python bench/dispatch.py --kill-test          # SIGKILL the sender 3 times

The sandbox runs in this process; the dispatcher runs in a child process (this script with
--child), as the bot would, polling the outbox every --tick seconds. Sandbox users are
created and each sends /start first (a bot may only write to people who wrote to it).
Each message's text carries its dedupe key, so the chats themselves show what arrived.

1. Limited run: --messages to --chats at --rate (default 25/s, Telegram's safe pace).
   "achieved" is the send rate measured at the sandbox (first to last accepted
   sendMessage) as a ratio of the limit: 1.00 means the limit is used fully, above 1
   would mean it was broken; "busiest 1 s" is the most sends the sandbox saw in any one
   second. "duplicates" counts extra copies of a dedupe key in the users' chats, "lost"
   keys that never arrived; both should be 0.
2. Ceiling run: the same at --ceiling-rate (default 1000/s): what our own code (claims,
   marks, HTTP through aiogram, on this machine, sharing the CPU with the sandbox) can
   push when the limiter is not what holds it back.
With --kill-test, run 1 only, with the child killed (SIGKILL) --kills times and restarted
at once. Its rows claimed at the time of a kill come back after --lease seconds. Expected:
0 lost, and duplicates ≤ kills (a copy only when Telegram accepted a message and the kill
came before the row was marked sent).
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

# Run as a script: the project root goes first on sys.path, not bench/.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from aiogram import Bot  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402

from bot.outbox_dispatcher import OutboxDispatcher  # noqa: E402
from sandbox.client import SandboxClient  # noqa: E402
from sandbox.client_user import SandboxUser  # noqa: E402
from sandbox.server import SandboxServer  # noqa: E402
from scheduler.clock import SystemClock  # noqa: E402
from scheduler.rate_limit import RateLimiter  # noqa: E402
from storage import outbox, people  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

TOKEN = "123456:BENCH"
KEY = re.compile(r"\[(\S+)\]")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=25.0, help="global limit, messages/s")
    parser.add_argument("--per-chat", type=float, default=1.0, help="seconds between sends")
    parser.add_argument("--ceiling-rate", type=float, default=1000.0, help="0: skip run 2")
    parser.add_argument("--ceiling-messages", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--lease", type=float, default=5.0, help="seconds")
    parser.add_argument("--tick", type=float, default=1.0, help="scheduler interval, seconds")
    parser.add_argument("--kill-test", action="store_true")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- the child: the sender as the bot runs it --------------------------------------------


async def child(args: argparse.Namespace) -> None:
    db = Database(args.db_url)
    clock = SystemClock()
    session = AiohttpSession(api=TelegramAPIServer.from_base(args.api))
    async with Bot(TOKEN, session=session) as bot:
        limiter = RateLimiter(clock, rate=args.rate, per_chat_interval=args.per_chat)
        dispatcher = OutboxDispatcher(
            db, bot, clock, limiter, batch=args.batch, lease_seconds=args.lease
        )
        # SIGTERM ends the loop cleanly; SIGKILL (the kill test) gives no chance to.
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            while True:  # what the APScheduler interval job does, minus APScheduler
                await dispatcher.run_once()
                await asyncio.sleep(args.tick)
    await db.close()


def child_command(args: argparse.Namespace, db_url: str, api: str, rate: float) -> list[str]:
    return [
        sys.executable,
        __file__,
        "--child",
        f"--db-url={db_url}",
        f"--api={api}",
        f"--rate={rate}",
        f"--per-chat={args.per_chat}",
        f"--batch={args.batch}",
        f"--lease={args.lease}",
        f"--tick={args.tick}",
    ]


# --- the parent: sandbox, data, measurements ---------------------------------------------


async def make_users(sandbox: SandboxClient, count: int) -> list[SandboxUser]:
    gate = asyncio.Semaphore(64)

    async def one(n: int) -> SandboxUser:
        async with gate:
            user = await sandbox.create_user(f"Ученик {n}")
            await user.send("/start")
            return user

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def make_people(db: Database, users: list[SandboxUser]) -> list[int]:
    async with db.begin() as conn:
        return [
            await people.create(
                conn, telegram_id=user.id, locale="ru", username=None, status="active"
            )
            for user in users
        ]


async def fill_outbox(
    db: Database, users: list[SandboxUser], person_ids: list[int], run: str, count: int
) -> list[str]:
    keys = [f"{run}:{n}" for n in range(count)]
    now = SystemClock().now()
    async with db.begin() as conn:
        for n, key in enumerate(keys):
            user, person_id = users[n % len(users)], person_ids[n % len(users)]
            await outbox.enqueue(
                conn,
                person_id=person_id,
                chat_id=user.id,
                kind="bench",
                payload={"text": f"Напоминание о встрече [{key}]"},
                due_at=now,
                dedupe_key=key,
            )
    return keys


async def outstanding(db: Database) -> int:
    async with db.connect() as conn:
        counts = await outbox.counts_by_status(conn)
    return counts["pending"] + counts["sending"]


async def spawn(command: list[str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(*command)


async def stop(process: asyncio.subprocess.Process, how: int = signal.SIGTERM) -> None:
    if process.returncode is None:
        process.send_signal(how)
    await process.wait()


async def run_child(
    db: Database, command: list[str], *, kills: int, expected_seconds: float
) -> tuple[float, list[int]]:
    """Run the sender until the outbox is drained; kill it `kills` times on the way.

    Returns the wall time and, per kill, how many rows were `sending` at that moment.
    """
    started = time.monotonic()
    process = await spawn(command)
    kill_at = [started + expected_seconds * (k + 1) / (kills + 2) for k in range(kills)]
    in_flight_at_kill: list[int] = []
    try:
        while True:
            await asyncio.sleep(0.2)
            if kill_at and time.monotonic() >= kill_at[0]:
                kill_at.pop(0)
                await stop(process, signal.SIGKILL)
                async with db.connect() as conn:
                    in_flight_at_kill.append((await outbox.counts_by_status(conn))["sending"])
                process = await spawn(command)
            elif not kill_at and await outstanding(db) == 0:
                return time.monotonic() - started, in_flight_at_kill
            if process.returncode is not None:
                raise SystemExit(f"the sender exited with {process.returncode}")
    finally:
        await stop(process)


async def delivered_keys(users: list[SandboxUser], run: str) -> Counter[str]:
    gate = asyncio.Semaphore(64)
    seen: Counter[str] = Counter()

    async def one(user: SandboxUser) -> None:
        async with gate:
            for message in await user.chat(files=False):
                found = KEY.search(message.content) if message.is_bot else None
                if found and found.group(1).startswith(f"{run}:"):
                    seen[found.group(1)] += 1

    await asyncio.gather(*(one(user) for user in users))
    return seen


def busiest_second(times: list[float]) -> int:
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def measure_run(
    args: argparse.Namespace,
    name: str,
    *,
    sandbox: SandboxClient,
    db: Database,
    users: list[SandboxUser],
    person_ids: list[int],
    api: str,
    rate: float,
    messages: int,
    kills: int,
) -> None:
    await sandbox.clear_calls()
    keys = await fill_outbox(db, users, person_ids, name, messages)
    floor_seconds = max(messages / rate, messages / len(users) * args.per_chat)
    wall, in_flight = await run_child(
        db, child_command(args, db.url, api, rate), kills=kills, expected_seconds=floor_seconds
    )
    calls = [c for c in await sandbox.calls("sendMessage") if c.ok]
    times = sorted(c.time for c in calls)
    seen = await delivered_keys(users, name)
    duplicates = sum(count - 1 for count in seen.values() if count > 1)
    lost = sum(1 for key in keys if seen[key] == 0)
    async with db.connect() as conn:
        counts = await outbox.counts_by_status(conn)
    achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    print(f"\n{name}: {messages} messages to {len(users)} chats, limit {rate:g}/s")
    print(f"  wall time (child start to drained): {wall:.1f} s (floor {floor_seconds:.1f} s)")
    print(
        f"  achieved at the sandbox: {achieved:.1f}/s = {achieved / rate:.2f} of the limit"
        f" (over the last {len(times)} accepted sends)"
    )
    print(f"  busiest 1 s at the sandbox: {busiest_second(times)} sends (limit {rate:g})")
    print(f"  duplicates: {duplicates}   lost: {lost}   outbox totals so far: {counts}")
    if kills:
        print(
            f"  kills: {kills}, rows claimed (`sending`) at each kill: {in_flight}; "
            f"duplicates per kill: {duplicates / kills:.2f} (bound: 1)"
        )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/bench.db")
        await upgrade(db)
        async with (
            SandboxServer("127.0.0.1", 0) as server,
            SandboxClient(server.base_url) as sandbox,
        ):
            started = time.monotonic()
            users = await make_users(sandbox, args.chats)
            person_ids = await make_people(db, users)
            print(
                f"setup: {len(users)} sandbox users with /start in {time.monotonic() - started:.1f} s"
            )
            common = {"sandbox": sandbox, "db": db, "users": users, "person_ids": person_ids}
            await measure_run(
                args,
                "kill-test" if args.kill_test else "limited",
                api=server.base_url,
                rate=args.rate,
                messages=args.messages,
                kills=args.kills if args.kill_test else 0,
                **common,  # type: ignore[arg-type]
            )
            if args.ceiling_rate > 0 and not args.kill_test:
                await measure_run(
                    args,
                    "ceiling",
                    api=server.base_url,
                    rate=args.ceiling_rate,
                    messages=args.ceiling_messages,
                    kills=0,
                    **common,  # type: ignore[arg-type]
                )
        await db.close()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        asyncio.run(child(arguments))
    else:
        asyncio.run(main(arguments))
