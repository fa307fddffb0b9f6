"""`python -m stripe_emulator --port 12111 --data-dir .stripe-emulator`"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import threading
from pathlib import Path

from stripe_emulator.app import Config, Emulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m stripe_emulator", description="A local, stateful Stripe API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111, help="0 picks a free port")
    parser.add_argument("--data-dir", default=".stripe-emulator", help="where the SQLite state lives")
    parser.add_argument("--public-url", default=None, help="address browsers use for hosted pages")
    parser.add_argument("--webhook-retry-scale", type=float, default=1.0, help="multiplies Stripe's retry back-off")
    parser.add_argument(
        "--webhook-retry-schedule",
        choices=("test", "live"),
        default="test",
        help="Stripe's test-mode retries (3 over a few hours) or live-mode ones (about 3 days)",
    )
    parser.add_argument("--webhook-timeout", type=float, default=10.0, help="seconds before a delivery attempt fails")
    parser.add_argument("--webhook-workers", type=int, default=4)
    parser.add_argument("--refund-failure-delay", type=float, default=5.0)
    parser.add_argument("--ready-file", default=None, help="write {url, pid} as JSON here once listening")
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    emulator = Emulator(
        Config(
            data_dir=Path(args.data_dir),
            host=args.host,
            port=args.port,
            public_url=args.public_url,
            webhook_retry_scale=args.webhook_retry_scale,
            webhook_retry_schedule=args.webhook_retry_schedule,
            webhook_timeout=args.webhook_timeout,
            webhook_workers=args.webhook_workers,
            refund_failure_delay=args.refund_failure_delay,
            quiet=args.quiet,
        )
    )
    emulator.start()
    if args.ready_file:
        ready = Path(args.ready_file)
        temporary = ready.with_suffix(".tmp")
        temporary.write_text(json.dumps({"url": emulator.url, "pid": os.getpid()}))
        temporary.replace(ready)  # atomic: a reader never sees half a file
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    emulator.stop()


if __name__ == "__main__":
    main()
