"""The demo runs on SQLite: the scheduling migration applies there, and the services still refuse a double booking."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
from datetime import UTC, datetime, time, timedelta
from django.db import connection
from innerwork.accounts.models import User
from innerwork.scheduling.models import WeeklyRule
from innerwork.scheduling.services import SlotTaken, appointment_hold, calendar_for

host = User.objects.create_user("host@example.com", time_zone="Europe/Berlin")
WeeklyRule.objects.create(calendar=calendar_for(host), weekday=0, start_time=time(9), end_time=time(12))
now = datetime(2026, 2, 20, tzinfo=UTC)
start = datetime(2026, 3, 2, 9, tzinfo=UTC)  # 10:00 in Berlin
common = dict(host=host, guest=None, length=timedelta(hours=1), until=now + timedelta(hours=1), title="t", now=now)
appointment_hold(start_at=start, subject="a:1", **common)
try:
    appointment_hold(start_at=start + timedelta(minutes=30), subject="a:2", **common)
except SlotTaken as taken:
    print("taken", len(taken.alternatives))
with connection.cursor() as cursor:
    cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'scheduling_appointment'")
    print("exclude" if any("EXCLUDE" in (row[0] or "") for row in cursor.fetchall()) else "no-exclude")
"""


def manage(database: Path, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "innerwork.settings",
        "DEBUG": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_migrate_applies_on_a_fresh_sqlite_file_and_holds_stay_single(tmp_path):
    # given a new SQLite file
    database = tmp_path / "demo.sqlite3"
    # when every migration runs, and the models are compared with them
    manage(database, "migrate", "--noinput")
    checked = manage(database, "makemigrations", "--check", "--dry-run")
    # then scheduling is migrated without the PostgreSQL-only constraint, with nothing left to migrate
    assert "scheduling.0001_initial" in manage(database, "showmigrations", "--plan", "scheduling")
    assert "No changes detected" in checked
    # and a second hold of an overlapping time is refused by the service
    assert manage(database, "shell", "--no-imports", "-c", SCRIPT).split() == ["taken", "5", "no-exclude"]
