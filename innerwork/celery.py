"""Celery application. Tasks run eagerly (in-process) when no broker is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innerwork.settings")

app = Celery("innerwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
