"""An e-mail backend standing in for a provider that is down, slow, or both.

Configured through class attributes so a test (and the threads it starts) can
script it: the first `failures` sends raise, each send takes `delay` seconds,
and every message that got through is kept in `sent`.
"""

import threading
import time

from django.core.mail.backends.base import BaseEmailBackend

PROVIDER_DOWN = "provider unavailable"


class FlakyBackend(BaseEmailBackend):
    failures = 0
    delay = 0.0
    calls = 0
    sent: list = []
    _lock = threading.Lock()

    @classmethod
    def script(cls, *, failures: int = 0, delay: float = 0.0) -> None:
        with cls._lock:
            cls.failures, cls.delay, cls.calls, cls.sent = failures, delay, 0, []

    def send_messages(self, email_messages):
        cls = type(self)
        with cls._lock:
            cls.calls += 1
            fail = cls.calls <= cls.failures
        if cls.delay:
            time.sleep(cls.delay)
        if fail:
            raise ConnectionError(PROVIDER_DOWN)
        with cls._lock:
            cls.sent.extend(email_messages)
        return len(email_messages)
