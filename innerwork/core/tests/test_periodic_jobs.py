"""The periodic jobs: README's cron list and Celery beat's schedule name the same jobs at the same intervals,
every beat entry names a registered task, and a task calls the service its command calls.

What each task does is tested next to its app (`tests/test_tasks.py` in core, api, commerce,
mentorship and coaching), by running the beat entry's task through Celery.
"""

import inspect
import re
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import get_commands

from innerwork.celery import app, daily, every

README = Path(settings.BASE_DIR) / "README.md"
CRON_LINE = re.compile(r"^python manage\.py (?P<command>\w+)\b.*#\s*from cron (?P<when>.+?):\s", re.MULTILINE)
EVERY_MINUTES = re.compile(r"^every (?:(?P<count>\d+) )?minutes?$")
DAILY_AT = re.compile(r"^daily at (?P<hour>\d\d):(?P<minute>\d\d) UTC$")


def readme_cron_jobs() -> dict[str, str]:
    """{command: "every 10 minutes" | "hourly" | "daily at 03:15 UTC"} from README's production section."""
    section = README.read_text().split("## Running in production", 1)[1]
    jobs = {}
    for match in CRON_LINE.finditer(section):
        assert match["command"] not in jobs, f"{match['command']} is listed twice"
        jobs[match["command"]] = match["when"].strip()
    return jobs


def readme_schedule(when: str):
    """What README's words mean as a beat schedule: a timedelta, or (hour, minute) for a daily run."""
    if when == "hourly":
        return timedelta(hours=1)
    if every_minutes := EVERY_MINUTES.match(when):
        return timedelta(minutes=int(every_minutes["count"] or 1))
    if daily_at := DAILY_AT.match(when):
        return int(daily_at["hour"]), int(daily_at["minute"])
    raise AssertionError(f"README says “from cron {when}”, which this test cannot read")


def beat_schedule(entry: dict):
    schedule = entry["schedule"]
    if isinstance(schedule, crontab):
        assert len(schedule.hour) == len(schedule.minute) == 1, "a crontab entry here runs once a day"
        assert schedule.day_of_week == set(range(7))
        assert len(schedule.day_of_month) == 31
        return next(iter(schedule.hour)), next(iter(schedule.minute))
    return schedule


def test_readme_lists_at_least_the_jobs_we_know():
    jobs = readme_cron_jobs()
    assert {"deliver_pending_emails", "purge_idempotency_records", "reconcile_stripe"} <= set(jobs)
    assert len(jobs) >= 9


def test_every_cron_job_in_readme_has_a_beat_entry_and_every_beat_entry_is_in_readme():
    # given README's cron lines and beat's schedule
    jobs, schedule = readme_cron_jobs(), settings.CELERY_BEAT_SCHEDULE

    # then they name the same jobs, each at the interval README gives
    assert sorted(schedule) == sorted(jobs)
    assert {name: beat_schedule(entry) for name, entry in schedule.items()} == {
        name: readme_schedule(when) for name, when in jobs.items()
    }


def test_every_cron_job_is_a_management_command():
    commands = get_commands()
    assert [job for job in readme_cron_jobs() if job not in commands] == []


def test_every_beat_entry_names_a_registered_task():
    # given Celery's app with its tasks discovered, as a worker loads them
    app.autodiscover_tasks(force=True)
    for module in settings.CELERY_IMPORTS:  # as a worker loads them
        import_module(module)

    # then each entry's task exists, and a queued run expires before the next one is due
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"{name}: no task {entry['task']}"
        expires = timedelta(seconds=entry["options"]["expires"])
        due_every = entry["schedule"] if isinstance(entry["schedule"], timedelta) else timedelta(days=1)
        assert timedelta(0) < expires <= due_every, name


def test_the_daily_reconciliation_is_sent_at_the_time_readme_gives_in_utc():
    assert settings.CELERY_TIMEZONE == "UTC"
    assert beat_schedule(settings.CELERY_BEAT_SCHEDULE["reconcile_stripe"]) == (3, 15)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (every("some.task", minutes=1), {"task": "some.task", "schedule": timedelta(minutes=1), "expires": 60}),
        (every("some.task", minutes=60), {"task": "some.task", "schedule": timedelta(hours=1), "expires": 3600}),
        (daily("some.task", at="03:15"), {"task": "some.task", "schedule": (3, 15), "expires": 12 * 3600}),
        (daily("some.task", at="23:05"), {"task": "some.task", "schedule": (23, 5), "expires": 12 * 3600}),
    ],
)
def test_a_new_job_is_one_line(entry, expected):
    assert {"task": entry["task"], "schedule": beat_schedule(entry), "expires": entry["options"]["expires"]} == expected


# --- A task and its command call the same service ---------------------------------------------------

TASK_AND_COMMAND_SERVICE = {
    "deliver_pending_emails": "emails_deliver_due",
    "deliver_partner_webhooks": "webhook_deliveries_due",
    "purge_idempotency_records": "idempotency_records_purge",
    "expire_abandoned_orders": "orders_expire_abandoned",
    "send_pending_refunds": "refunds_send_pending",
    "send_booking_reminders": "booking_reminders_send",
    "send_access_expiry_reminders": "access_expiry_reminders_send",
    "end_coaching_contracts": "contracts_tend_due",
    "expire_coaching_proposals": "proposals_expire_due",
    "reconcile_stripe": "reconciliation_run_recorded",
}


def _calls(source: str) -> set[str]:
    return set(re.findall(r"\b([a-z_]+)\(", source))


@pytest.mark.parametrize("job", sorted(TASK_AND_COMMAND_SERVICE))
def test_a_job_s_task_and_its_command_call_the_same_service(job):
    app.autodiscover_tasks(force=True)
    for module in settings.CELERY_IMPORTS:  # as a worker loads them
        import_module(module)
    task = app.tasks[settings.CELERY_BEAT_SCHEDULE[job]["task"]]
    command = import_module(f"{get_commands()[job]}.management.commands.{job}")
    service = TASK_AND_COMMAND_SERVICE[job]

    assert service in _calls(inspect.getsource(task.run)), f"the task {task.name} does not call {service}"
    assert service in _calls(inspect.getsource(command)), f"the command {job} does not call {service}"
