import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/0"


def test_healthz_checks_the_database_and_answers_json(client):
    # when
    response = client.get(reverse("healthz"))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@override_settings(REDIS_URL=REDIS, CELERY_BROKER_URL=REDIS, CELERY_TASK_ALWAYS_EAGER=False)
def test_healthz_also_checks_cache_and_broker_when_they_are_configured(client):
    # when
    response = client.get(reverse("healthz"))
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_TASK_ALWAYS_EAGER=False)
def test_healthz_answers_503_when_the_broker_is_unreachable(client):
    # when
    response = client.get(reverse("healthz"))
    # then
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")


def test_healthz_only_answers_get(client):
    assert client.post(reverse("healthz")).status_code == 405
