"""Running one piece of work in several threads released at the same moment (concurrency tests on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(work: Callable[[], object], *, times: int, timeout: float = 30) -> tuple[list, list[Exception]]:
    """Call `work()` in `times` threads that a barrier lets go together; (what they returned, what they raised).

    Each thread has its own database connection (Django gives one per thread) and closes it when done.
    """
    start = threading.Barrier(times)
    returned: list = []
    raised: list[Exception] = []

    def run():
        try:
            start.wait()
            returned.append(work())
        except Exception as exc:
            raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return returned, raised
