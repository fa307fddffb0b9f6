"""One locust user class that GETs a single path; driven by scripts/bench_pages.py."""

import os

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

PATH = os.environ["BENCH_PATH"]
SESSION = os.environ.get("BENCH_SESSION", "")


class PageReader(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        if SESSION:
            self.client.cookiejar.set_cookie(self._session_cookie())

    def _session_cookie(self):
        from http.cookiejar import Cookie

        return Cookie(
            0, "sessionid", SESSION, None, False, "127.0.0.1", False, False, "/", True,
            False, None, False, None, None, {},
        )  # fmt: skip

    @task
    def get(self):
        with self.client.get(PATH, name=PATH, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
