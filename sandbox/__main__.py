"""``python -m sandbox --port 8081``: run the sandbox alone for manual use."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from sandbox.server import SandboxServer
from sandbox.state import DEFAULT_BOT_USERNAME


def _parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME)
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not available on Windows
            loop.add_signal_handler(sig, stop.set)
    async with SandboxServer(args.host, args.port, bot_username=args.bot_username) as server:
        print(f"Telegram sandbox on {server.base_url}", flush=True)
        print(f"  bot API:     {server.base_url}/bot<digits>:<anything>/<method>")
        print(f"  control API: {server.base_url}/_sandbox/ (users, faults, calls, ...)", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
