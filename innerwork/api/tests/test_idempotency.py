"""Idempotency-Key on POST (IETF draft): required, replayed, refused when reused, one object under concurrency."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from innerwork.accounts.models import User
from innerwork.api.idempotency import (
    idempotency_claim,
    idempotency_complete,
    idempotency_records_purge,
    request_fingerprint,
)
from innerwork.api.models import ApiKey, IdempotencyRecord, PartnerCustomer
from innerwork.api.tests.conftest import client_with
from innerwork.api.tests.factories import PartnerFactory, key_for

URL = reverse("api:customers")
BODY = {"email": "ada@example.com", "external_id": "u-1", "name": "Ada", "time_zone": "Europe/Berlin"}


def _post(client, body=BODY, key="key-1", raw=None, query=""):
    url = f"{URL}?{query}" if query else URL
    if raw is not None:
        return client.generic("POST", url, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(url, body, format="json", **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "second_status", "replayed", "code"),
    [
        ("same key, same body", 201, True, None),
        ("same key, same body in another key order and spacing", 201, True, None),
        ("same key in the draft's quoted form", 201, True, None),
        ("same key, other body", 422, False, "idempotency_key_reused"),
        ("same key, same body and query in another order", 201, True, None),
        ("same key, other query (a preview, then the real request)", 422, False, "idempotency_key_reused"),
        ("other key, same body", 200, False, None),
        ("same key from another API key of the partner", 200, False, None),
        ("same key after 24 hours", 200, False, None),
    ],
)
def test_second_request_table(partner, case, second_status, replayed, code):
    # given a first request that created a customer
    raw_key = key_for(partner)
    client = client_with(raw_key)
    first = _post(client, query="b=2&a=1" if "query" in case else "")
    assert first.status_code == 201, first.content
    if case == "same key after 24 hours":
        IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))

    # when the second request comes
    second = {
        "same key, same body": lambda: _post(client),
        "same key, same body in another key order and spacing": lambda: _post(
            client, raw=json.dumps(dict(reversed(BODY.items())), indent=2)
        ),
        "same key in the draft's quoted form": lambda: _post(client, key='"key-1"'),
        "same key, other body": lambda: _post(client, body={**BODY, "name": "Ada L."}),
        "same key, same body and query in another order": lambda: _post(client, query="a=1&b=2"),
        "same key, other query (a preview, then the real request)": lambda: _post(client, query="b=2"),
        "other key, same body": lambda: _post(client, key="key-2"),
        "same key from another API key of the partner": lambda: _post(client_with(key_for(partner))),
        "same key after 24 hours": lambda: _post(client),
    }[case]()

    # then
    assert second.status_code == second_status, second.content
    assert (second.get("Idempotent-Replayed") == "true") is replayed
    if replayed:
        assert second.json() == first.json()
    if code:
        assert second.json()["error"]["code"] == code
        assert second.json()["error"]["param"] == "Idempotency-Key"
    assert PartnerCustomer.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "code"),
    [(None, "idempotency_key_missing"), ("", "idempotency_key_invalid"), ("x" * 256, "idempotency_key_invalid")],
)
def test_a_post_without_a_usable_key_is_a_400_and_does_nothing(api, key, code):
    response = _post(api, key=key)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not PartnerCustomer.objects.exists()


@pytest.mark.django_db
def test_an_error_answer_is_replayed_too(api):
    # given a first request refused for its body
    first = _post(api, body={"email": "not-an-address", "external_id": "u-1"})

    # when it is retried with the same key
    second = _post(api, body={"email": "not-an-address", "external_id": "u-1"})

    # then the same 400 comes back, marked as replayed
    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first


@pytest.mark.django_db
@pytest.mark.parametrize(("claimed_minutes_ago", "status"), [(0, 409), (4, 409), (6, 201)])
def test_while_the_first_request_runs_a_duplicate_is_a_409_until_it_is_abandoned(
    api, partner, claimed_minutes_ago, status
):
    # given the key claimed by a request that has not answered (yet, or ever: its process died)
    body = json.dumps(BODY).encode()
    claim = idempotency_claim(
        api_key=ApiKey.objects.get(),
        key="key-1",
        fingerprint=request_fingerprint(method="POST", path=URL, body=body),
        method="POST",
        path=URL,
    )
    IdempotencyRecord.objects.filter(pk=claim.record.pk).update(
        created_at=timezone.now() - timedelta(minutes=claimed_minutes_ago)
    )

    # when the duplicate arrives
    response = _post(api)

    # then it waits for a running first request, and runs in place of an abandoned one
    assert response.status_code == status
    if status == 409:
        assert response.json()["error"]["type"] == "idempotency_error"
        assert response.json()["error"]["code"] == "idempotency_request_in_progress"
        assert not PartnerCustomer.objects.exists()
    else:
        assert PartnerCustomer.objects.count() == 1


@pytest.mark.django_db
def test_a_server_error_frees_the_key_and_old_keys_are_purged(partner):
    # given two claimed keys, one finished with a 500 and one older than 24 hours
    key_for(partner)
    api_key = ApiKey.objects.get()
    failed = idempotency_claim(api_key=api_key, key="a", fingerprint="f", method="POST", path=URL).record
    idempotency_complete(record=failed, status=500, body={"error": {}})
    old = idempotency_claim(api_key=api_key, key="b", fingerprint="f", method="POST", path=URL).record
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    idempotency_claim(api_key=api_key, key="c", fingerprint="f", method="POST", path=URL)

    # when the purge runs
    purged = idempotency_records_purge()

    # then the 500 left nothing behind, the old key went, the fresh one stays
    assert purged == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["c"]


def _race(clients_and_keys, body=BODY):
    """Send one POST per (client, Idempotency-Key) from real threads released at the same moment."""
    barrier = threading.Barrier(len(clients_and_keys))
    responses = [None] * len(clients_and_keys)

    def send(index, client, key):
        try:
            barrier.wait()
            responses[index] = _post(client, body=body, key=key)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(index, client, key)) for index, (client, key) in enumerate(clients_and_keys)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_with_one_key_create_one_customer():
    # given one API key
    raw = key_for(PartnerFactory())

    # when 8 threads send the same request with the same Idempotency-Key at once
    responses = _race([(client_with(raw), "same-key") for _ in range(8)])

    # then exactly one ran; the others were told it was running, or got its answer replayed
    statuses = sorted(response.status_code for response in responses)
    ran = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r]
    assert len(ran) == 1
    assert set(statuses) <= {201, 409}
    assert PartnerCustomer.objects.count() == 1
    assert User.objects.filter(email="ada@example.com").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_customer_under_different_keys_make_one_customer():
    # given one API key
    raw = key_for(PartnerFactory())

    # when 6 threads create the same customer, each with its own Idempotency-Key
    responses = _race([(client_with(raw), f"key-{index}") for index in range(6)])

    # then one created it and the others were answered with it
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * 5 + [201], [r.content for r in responses]
    assert len({response.json()["id"] for response in responses}) == 1
    assert PartnerCustomer.objects.count() == 1
    assert User.objects.filter(email="ada@example.com").count() == 1
