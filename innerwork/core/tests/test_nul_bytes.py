"""A NUL byte in a path, a query parameter or a form field answers 404 or 400, never a 500, on every page and the API.

PostgreSQL refuses text holding NUL, so any view that takes such a value to the database
would fail; innerwork.core.nul_bytes refuses the request first. The table covers the site,
the admin and the partner API by hand; the walk below tries `%00` in every parameter of every
URL pattern the resolver knows, and `?q=%00` on every pattern without one.
"""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.tests.factories import key_for
from innerwork.core.nul_bytes import NUL_IN_PARAMETER, NUL_IN_PATH

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle budgets and rate limits live in the cache: each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def customer():
    return UserFactory(email="nul@example.com")


@pytest.fixture
def superuser():
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


# (who, method, url, form data, expected status)
SITE_AND_ADMIN = [
    ("anonymous", "get", "/?q=%00", None, 400),
    ("anonymous", "get", "/?q=a%00b&page=2", None, 400),
    ("anonymous", "get", "/?%00=calm", None, 400),
    ("anonymous", "get", "/courses/?q=a%00b", None, 400),
    ("anonymous", "get", "/courses/%00/", None, 404),
    ("anonymous", "get", "/certificates/%00/", None, 404),
    ("anonymous", "get", "/static/%00.css", None, 404),
    ("anonymous", "get", "/accounts/login/?next=%00", None, 400),
    ("anonymous", "post", "/accounts/login/", {"login": "a\x00@example.com", "password": "secret"}, 400),
    ("anonymous", "post", "/accounts/signup/", {"email": "x@example.com", "password1": "p\x00", "password2": "p"}, 400),
    ("customer", "get", "/orders/%00/", None, 404),
    ("customer", "get", "/orders/ORD-20261122-7KQ2XD%00/invoice.pdf", None, 404),
    ("customer", "get", "/orders/?status=%00", None, 400),
    ("customer", "get", "/dashboard/?tab=%00", None, 400),
    ("customer", "get", "/dashboard/?status=%00&category=%27", None, 400),
    ("customer", "post", "/cart/coupon/", {"code": "WELCOME\x00"}, 400),
    ("customer", "post", "/cart/add/", {"kind": "course", "ref": "1\x00"}, 400),
    ("customer", "post", "/orders/%00/refund/", {"reason": "no"}, 404),
    ("superuser", "get", "/admin/?q=%00", None, 400),
    ("superuser", "get", "/admin/commerce/order/?q=%00", None, 400),
    ("superuser", "get", "/admin/commerce/order/?status__exact=%00", None, 400),
    ("superuser", "get", "/admin/accounts/user/?q=ada%00", None, 400),
    ("superuser", "get", "/admin/commerce/order/%00/change/", None, 404),
    ("superuser", "post", "/admin/commerce/coupon/add/", {"code": "X\x00"}, 400),
]


@pytest.mark.parametrize(("who", "method", "url", "data", "expected"), SITE_AND_ADMIN)
def test_a_nul_byte_on_the_site_and_in_the_admin_is_refused_with_a_styled_page(
    client, customer, superuser, who, method, url, data, expected
):
    # given a visitor, a signed-in customer or a superuser
    if who != "anonymous":
        client.force_login({"customer": customer, "superuser": superuser}[who])

    # when they send a NUL in the path, the query string or a form field
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)

    # then the answer is the refusal (404 for a path, 400 for a parameter) on the site's own page
    assert response.status_code == expected, response.content[:300]
    assert b'class="site-header"' in response.content
    assert (b"Page not found" if expected == 404 else b"Bad request") in response.content


def test_a_nul_in_a_multipart_field_is_refused_but_nul_bytes_inside_an_upload_are_not(client, customer):
    client.force_login(customer)
    binary = b"\x89PNG\x00\x00"
    # given a multipart form whose text field holds a NUL: when it is posted, then it is a 400
    upload = SimpleUploadedFile("photo.png", binary, content_type="image/png")
    assert client.post("/cart/coupon/", {"code": "WELCOME\x00", "file": upload}).status_code == 400
    # and an upload whose content has NUL bytes goes on to the view (here: the coupon form's redirect)
    upload = SimpleUploadedFile("photo.png", binary, content_type="image/png")
    assert client.post("/cart/coupon/", {"code": "WELCOME", "file": upload}).status_code == 302


def test_clean_requests_pass_through_untouched(client):
    # given requests like the ones above without the NUL
    # then the pages answer as usual
    assert client.get("/?q=calm").status_code == 200
    assert client.get("/orders/ORD-20261122-7KQ2XD/").status_code == 302  # to the login page


# (method, url, JSON body, expected status, code, param)
API = [
    ("get", "/api/v1/customers/?external_id=%00", None, 400, "parameter_invalid", "external_id"),
    ("get", "/api/v1/customers/?external_id=u-42&email=a%00b", None, 400, "parameter_invalid", "email"),
    ("get", "/api/v1/courses/?search=calm%00", None, 400, "parameter_invalid", "search"),
    ("get", "/api/v1/orders/?limit=10&starting_after=%00", None, 400, "parameter_invalid", "starting_after"),
    ("get", "/api/v1/customers/%00/", None, 404, "resource_missing", None),
    ("get", "/api/v1/orders/ORD-1%00/", None, 404, "resource_missing", None),
    ("get", "/api/v1/%00", None, 404, "resource_missing", None),
]


@pytest.mark.parametrize(("method", "url", "body", "expected", "code", "param"), API)
def test_a_nul_byte_in_the_partner_api_is_refused_in_its_error_shape(client, method, url, body, expected, code, param):
    # given a partner key with every scope
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key_for()}"

    # when a NUL comes in the path or a query parameter
    response = getattr(client, method)(url)

    # then the API answers its own error shape, naming the parameter, and the version that answered
    assert response.status_code == expected, response.content[:300]
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == ("invalid_request_error", code, param)
    assert error["message"] == (NUL_IN_PARAMETER.format(param=param) if param else NUL_IN_PATH)
    assert response["InnerWork-Version"] == "2026-12-01"


def test_a_form_body_sent_to_the_api_is_left_to_drf_which_refuses_forms(client):
    # given a partner key; when a form (with a NUL in a field) is posted to the API, which takes JSON only
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key_for()}"
    response = client.post("/api/v1/customers/", {"email": "a\x00@b.co"}, HTTP_IDEMPOTENCY_KEY="nul-form")
    # then DRF still answers that forms are not accepted (the middleware did not read the body away)
    assert response.status_code == 415, response.content[:300]
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_nul_in_a_json_string_is_a_field_error_of_the_api_not_a_500(client):
    # given a partner key; when a JSON body carries \u0000 in a string (the middleware does not read JSON)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key_for()}"
    response = client.post(
        "/api/v1/customers/",
        data='{"email": "ada@example.com", "name": "Ada\\u0000", "time_zone": "UTC", "external_id": "u-1"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="0b9c1f0e-5f55-4a5e-9d0e-3c8f7c5d2a11",
    )
    # then DRF's own field validation refuses it in the API's shape
    assert response.status_code == 400, response.content[:300]
    assert (response.json()["error"]["code"], response.json()["error"]["param"]) == ("parameter_invalid", "name")


# --- Every URL pattern ------------------------------------------------------------------------------

NAMED_GROUP = re.compile(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)")
REGEX_LEFTOVERS = re.compile(r"[()\[\]*+?|\\]")


ANSWERED_EARLIER = {"/admin/login/?q=%00": 302}


def _with_nul(pattern) -> str:
    """The pattern's text with every parameter replaced by %00 (route converters and regex named groups)."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<[^>]+>", "%00", str(pattern))
    text = NAMED_GROUP.sub("%00", pattern.regex.pattern).replace(r"[\s\S]*", "%00").lstrip("^").rstrip("$")
    assert not REGEX_LEFTOVERS.search(text), f"the walk cannot fill {pattern.regex.pattern!r}: teach _with_nul"
    return text


def _every_route(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + _with_nul(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _every_route(entry, route)
        else:
            yield "/" + route


def test_every_url_pattern_answers_a_nul_in_its_parameters_or_query_without_a_500(client, superuser):
    # given every address the resolver knows, as a superuser (so the admin's views are reached too)
    client.force_login(superuser)
    routes = sorted(set(_every_route()))
    assert len(routes) > 300  # the site, the admin, allauth, the API and dj-stripe

    # when each is asked for with %00 in its parameters, or with ?q=%00 when it has none
    answers = {}
    for route in routes:
        url = route if "%00" in route else f"{route}?q=%00"
        answers[url] = client.get(url).status_code

    # then a parameter is a 404 and a query a 400 — never a 500 (the admin's login page is forwarded to
    # allauth's by StaffAdminMiddleware before any parameter is read, and the query is not passed on)
    expected = {url: ANSWERED_EARLIER.get(url, 404 if "?q=" not in url else 400) for url in answers}
    assert answers == expected


def test_the_walk_fills_every_kind_of_pattern():
    routes = set(_every_route())
    assert "/orders/%00/" in routes
    assert "/admin/%00/" in routes  # the admin's regex app index
    assert "/accounts/password/reset/key/%00-%00/" in routes
    assert "/api/v1/%00" in routes  # the API's catch-all
