"""Running a periodic job as Celery beat would: the task its CELERY_BEAT_SCHEDULE entry names, with the entry's options.

Shared by each app's tests/test_tasks.py. Tests run tasks eagerly (settings.test), so the job runs
here, in the test's transaction, and its return value comes back.
"""

from django.conf import settings

from innerwork.celery import app


def beat_job_run(name: str):
    """Send the beat entry `name` (its command's name) through Celery and return what its task returned."""
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    app.autodiscover_tasks(force=True)
    return app.tasks[entry["task"]].apply_async(**entry.get("options", {})).get(disable_sync_subtasks=False)
