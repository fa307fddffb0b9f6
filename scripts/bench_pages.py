#!/usr/bin/env python
"""Page benchmark: catalogue, course page and dashboard against a trivial view (the floor).

Prepares a PostgreSQL database seeded and scaled to 1,000 courses / 10,000 lessons,
starts gunicorn (2 sync workers, DEBUG off, Redis cache as in production: pages cached
per viewer, sessions in Redis) and drives each page with locust (headless, fixed
duration). Prints requests/s, p50 and p95 for each page and its ratio to the floor.
The Redis database of BENCH_REDIS_URL (default redis://127.0.0.1:6379/13) is emptied
first, so every run starts with a cold cache.

    make bench                      # or: .venv/bin/python scripts/bench_pages.py --duration 20
"""

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TARGETS = {
    # name: (path or None for "a course page", needs login, target ratio to the floor)
    "floor (/robots.txt)": ("/robots.txt", False, None),
    "catalogue": ("/?sort=popular", False, 1 / 3),
    "course page": (None, False, 1 / 3),
    "dashboard": ("/dashboard/", True, 1 / 4),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(database_url: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "innerwork.settings",
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip()


def prepare_database(database_url: str, env: dict, scale: int) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    print(f"Preparing {name}: migrate, collectstatic, seed_demo --scale {scale} ...", flush=True)
    manage(env, "migrate", "--noinput")
    # Static files first: with DEBUG off the demo's paid orders render their invoices, which read the
    # stylesheet through the static manifest.
    manage(env, "collectstatic", "--noinput")
    manage(env, "seed_demo", "--scale", str(scale))


LOOKUP = """
from importlib import import_module
from django.conf import settings
from django.core.cache import cache
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from courses.models import Course, Lesson
cache.clear()
user = get_user_model().objects.get(email="learner@innerwork.test")
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
course = Course.objects.published().order_by("-id").first()
print(store.session_key, course.get_absolute_url(), Course.objects.count(), Lesson.objects.count())
"""


def run_locust(base_url: str, path: str, session: str, users: int, duration: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "stats"
        env = {**os.environ, "BENCH_PATH": path, "BENCH_SESSION": session}
        subprocess.run(
            [
                str(VENV_BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
                "-u", str(users), "-r", str(users), "-t", f"{duration}s", "-H", base_url,
                "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
            ],
            env=env, check=False, capture_output=True, text=True,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv") as handle:
            row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20, help="seconds per page (default 20)")
    parser.add_argument("--users", type=int, default=16, help="concurrent locust users (default 16)")
    parser.add_argument("--scale", type=int, default=1000, help="courses in the database (default 1000)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/innerwork_bench"),
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="a Redis database of its own: it is emptied at the start",
    )
    args = parser.parse_args()

    env = bench_env(args.database_url, args.redis_url)
    prepare_database(args.database_url, env, args.scale)
    session, course_path, courses, lessons = manage(env, "shell", "--no-imports", "-c", LOOKUP).splitlines()[-1].split()
    print(f"Database: {courses} courses, {lessons} lessons.", flush=True)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "innerwork.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base_url + "/robots.txt", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for name, (path, needs_login, _target) in TARGETS.items():
            path = path or course_path
            print(f"Driving {name} ({path}) for {args.duration}s ...", flush=True)
            results[name] = run_locust(base_url, path, session if needs_login else "", args.users, args.duration)
    finally:
        server.terminate()
        server.wait(timeout=10)

    floor = results["floor (/robots.txt)"]["rps"]
    print()
    print("| page | requests/s | p50 ms | p95 ms | failures | ratio to floor | target |")
    print("|---|---:|---:|---:|---:|---:|---|")
    ok = True
    for name, (_path, _login, target) in TARGETS.items():
        r = results[name]
        ratio = r["rps"] / floor if floor else 0
        verdict = "" if target is None else (f"≥ {target:.2f} " + ("met" if ratio >= target else "MISSED"))
        ok &= target is None or ratio >= target
        ok &= r["failures"] == 0
        figures = f"{r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['failures']}"
        print(f"| {name} | {figures} | {ratio:.2f} | {verdict} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
