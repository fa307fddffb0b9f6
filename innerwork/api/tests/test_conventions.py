"""The conventions every /api/v1/ endpoint shares: scopes, one error shape, the version header, throttling."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from innerwork.api.keys import SCOPES
from innerwork.api.tests.conftest import client_with
from innerwork.api.tests.factories import key_for
from innerwork.api.versioning import CURRENT_VERSION

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"type", "code", "message", "param"}

# Every operation with the scope it needs (None: any valid key).
OPERATIONS = [
    ("get", reverse("api:course-list"), "catalogue:read"),
    ("get", reverse("api:course-detail", kwargs={"slug": "any"}), "catalogue:read"),
    ("get", reverse("api:mentor-list"), "catalogue:read"),
    ("get", reverse("api:mentor-detail", kwargs={"slug": "any"}), "catalogue:read"),
    ("get", reverse("api:mentor-slots", kwargs={"slug": "any"}), "catalogue:read"),
    ("get", reverse("api:customers"), "customers:write"),
    ("post", reverse("api:customers"), "customers:write"),
    ("get", reverse("api:customer-detail", kwargs={"customer_id": "cus_x"}), "customers:write"),
    ("get", reverse("api:config"), None),
]


def _call(client, method, url):
    if method == "post":
        return client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    return client.get(url)


@pytest.mark.parametrize(("method", "url", "scope"), OPERATIONS)
def test_every_operation_needs_a_key(method, url, scope):
    response = _call(client_with(None), method, url)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "api_key_missing"


@pytest.mark.parametrize(("method", "url", "scope"), [op for op in OPERATIONS if op[2]])
def test_every_operation_refuses_a_key_without_its_scope(partner, method, url, scope):
    # given a key with every scope but this one
    client = client_with(key_for(partner, scopes=[other for other in SCOPES if other != scope]))

    # when it calls the operation
    response = _call(client, method, url)

    # then 403 naming the scope
    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("permission_error", "scope_missing")
    assert scope in error["message"]


@pytest.mark.parametrize(("method", "url", "scope"), OPERATIONS)
def test_a_key_with_only_the_scope_gets_past_the_permission(partner, method, url, scope):
    client = client_with(key_for(partner, scopes=[scope or "orders:read"]))

    response = _call(client, method, url)

    # an unknown object (404) or an empty body (400) is answered, not refused
    assert response.status_code in (200, 400, 404), response.content
    assert response.status_code not in (401, 403)


@pytest.mark.parametrize(
    ("case", "status", "type_", "code", "param"),
    [
        ("unknown url", 404, "invalid_request_error", "resource_missing", None),
        ("unknown url without key", 404, "invalid_request_error", "resource_missing", None),
        ("method not allowed", 405, "invalid_request_error", "method_not_allowed", None),
        ("malformed json", 400, "invalid_request_error", "parse_error", None),
        ("form body", 415, "invalid_request_error", "unsupported_media_type", None),
        ("invalid field", 400, "invalid_request_error", "parameter_invalid", "email"),
        ("missing field", 400, "invalid_request_error", "parameter_missing", "external_id"),
        ("invalid query parameter", 400, "invalid_request_error", "parameter_invalid", "limit"),
        ("unknown object", 404, "invalid_request_error", "resource_missing", None),
        ("unknown version", 400, "invalid_request_error", "api_version_invalid", "InnerWork-Version"),
        ("NUL byte in an id", 404, "invalid_request_error", "resource_missing", None),
        ("NUL byte in a cursor", 400, "invalid_request_error", "parameter_invalid", "starting_after"),
        ("NUL byte in a filter", 400, "invalid_request_error", "parameter_invalid", "external_id"),
        ("JSON array body", 400, "invalid_request_error", "parameter_invalid", None),
        ("body over the size limit", 400, "invalid_request_error", "request_too_large", None),
    ],
)
def test_every_error_has_one_shape(api, case, status, type_, code, param):
    customers = reverse("api:customers")
    response = {
        "unknown url": lambda: api.get("/api/v1/nothing/here/"),
        "unknown url without key": lambda: client_with(None).post("/api/v1/nope"),
        "method not allowed": lambda: api.delete(reverse("api:config")),
        "malformed json": lambda: api.post(
            customers, "{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="a"
        ),
        "form body": lambda: api.post(customers, {"email": "a@b.co"}, format="multipart", HTTP_IDEMPOTENCY_KEY="b"),
        "invalid field": lambda: api.post(
            customers, {"email": "nope", "external_id": "u1"}, format="json", HTTP_IDEMPOTENCY_KEY="c"
        ),
        "missing field": lambda: api.post(customers, {"email": "a@b.co"}, format="json", HTTP_IDEMPOTENCY_KEY="d"),
        "invalid query parameter": lambda: api.get(customers, {"limit": "0"}),
        "unknown object": lambda: api.get(reverse("api:customer-detail", kwargs={"customer_id": "cus_nope"})),
        "unknown version": lambda: api.get(customers, HTTP_INNERWORK_VERSION="2020-01-01"),
        "NUL byte in an id": lambda: api.get("/api/v1/customers/cus_%00x/"),
        "NUL byte in a cursor": lambda: api.get(customers, {"starting_after": "cus_\x00"}),
        "NUL byte in a filter": lambda: api.get(customers, {"external_id": "a\x00b"}),
        "JSON array body": lambda: api.post(customers, [1, 2], format="json", HTTP_IDEMPOTENCY_KEY="e"),
        "body over the size limit": lambda: api.post(
            customers,
            {"email": "a@b.co", "external_id": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
            format="json",
            HTTP_IDEMPOTENCY_KEY="f",
        ),
    }[case]()

    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == ERROR_KEYS
    assert (body["error"]["type"], body["error"]["code"], body["error"]["param"]) == (type_, code, param)
    assert body["error"]["message"]


@pytest.mark.parametrize("header", [None, CURRENT_VERSION, f" {CURRENT_VERSION} "])
def test_the_answering_version_is_named_on_every_response(api, header):
    extra = {"HTTP_INNERWORK_VERSION": header} if header else {}

    ok = api.get(reverse("api:config"), **extra)
    not_found = api.get("/api/v1/nothing/", **extra)

    assert ok.status_code == 200
    assert ok["InnerWork-Version"] == not_found["InnerWork-Version"] == CURRENT_VERSION


def test_the_public_site_is_not_behind_keys(client):
    assert client.get(reverse("courses:catalogue")).status_code == 200


LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Production's backend, on the local Redis (a database of its own, emptied here).
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/5"}}


@pytest.mark.parametrize("caches", [LOCAL_MEMORY, REDIS], ids=["locmem", "redis"])
@override_settings(PARTNER_API_RATE="30/min", PARTNER_API_BURST=3)
def test_a_key_gets_its_burst_then_429_with_retry_after_then_its_rate(partner, caches):
    # given two keys of one partner, the throttle on this cache
    with override_settings(CACHES=caches):
        cache.clear()
        _burst_then_rate(partner)
        cache.clear()


def _burst_then_rate(partner):
    first, second = client_with(key_for(partner)), client_with(key_for(partner))
    url = reverse("api:config")

    # when the first sends 4 requests at once
    statuses = [first.get(url).status_code for _ in range(4)]
    refused = first.get(url)

    # then the burst of 3 passes and the next ones are refused with Retry-After
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
    # the other key has its own budget
    assert second.get(url).status_code == 200
    # and after one interval (2 s at 30/min) one more passes, and only one
    assert int(refused["Retry-After"]) <= 2
    time.sleep(2.05)
    assert first.get(url).status_code == 200
    assert first.get(url).status_code == 429
