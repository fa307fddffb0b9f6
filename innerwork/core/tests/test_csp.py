"""The Content-Security-Policy header (innerwork/core/csp.py, settings.CONTENT_SECURITY_POLICY) on every kind
of page, read as a browser reads it; and the endpoint where browsers report what it refused."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import include, path

from commerce.tests.factories import paid_order
from courses.tests.factories import course_with_lessons
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.csp import REPORT_FIELD_CHARS, REPORTS_PER_MINUTE, STRIPE_CHECKOUT_ORIGIN

pytestmark = pytest.mark.django_db

EMULATOR = "http://127.0.0.1:12111"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Report counts (and the site's other limits) start at zero in each test, whatever ran before."""
    cache.clear()
    yield
    cache.clear()


def policy_of(response) -> dict[str, list[str]]:
    """The response's policy as a browser reads it: directive → sources."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.status_code} answer has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(policy: dict[str, list[str]], *, styles_inline: bool = False) -> None:
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["report-uri"] == ["/csp-report/"]
    script_src = policy["script-src"]
    assert script_src[0] == "'self'"
    assert all(source.startswith("'nonce-") for source in script_src[1:]), script_src
    assert policy["style-src"] == (["'self'", "'unsafe-inline'"] if styles_inline else ["'self'"])
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-eval'" not in policy[directive]
    assert "'unsafe-inline'" not in script_src


@pytest.fixture
def site(settings):
    """A course, a learner with a paid order, and staff: one of everything a page is about."""
    settings.STRIPE_API_HOST = EMULATOR
    settings.STAFF_MFA_REQUIRED = False
    course = course_with_lessons(title="Calm Under Pressure", price_amount=4900)
    learner = UserFactory()
    order = paid_order(user=learner, lines=(4900,), refs=[str(course.pk)])
    lesson = course.modules.order_by("position").first().lessons.order_by("position").first()
    staff = StaffFactory()
    clerk = UserFactory(is_staff=True)  # staff without any permission: the sales report refuses them
    return {"course": course, "learner": learner, "order": order, "lesson": lesson, "staff": staff, "clerk": clerk}


# (page, who is signed in, path, status, the page's own nonce for scripts)
PAGES = [
    ("catalogue", None, "/", 200, False),
    ("course", None, "/courses/{course.slug}/", 200, False),
    ("lesson preview or locked", None, "/courses/{course.slug}/lessons/{lesson.pk}/", (200, 302), False),
    ("log in", None, "/accounts/login/", 200, False),
    ("sign up", None, "/accounts/signup/", 200, False),
    ("mentors", None, "/mentors/", 200, False),
    ("coaches", None, "/coaches/", 200, False),
    ("cart", "learner", "/cart/", 200, False),
    ("dashboard", "learner", "/dashboard/", 200, False),
    ("orders", "learner", "/orders/", 200, False),
    ("order", "learner", "/orders/{order.number}/", 200, False),
    ("invoice pdf", "learner", "/orders/{order.number}/invoice.pdf", (200, 404), False),
    ("account", "learner", "/accounts/profile/", 200, False),
    ("my sessions", "learner", "/sessions/", 200, False),
    ("my coaching", "learner", "/coaching/", 200, False),
    ("console", "staff", "/admin/", 200, False),
    ("console list", "staff", "/admin/commerce/order/", 200, False),
    ("console order", "staff", "/admin/commerce/order/{order.pk}/change/", 200, False),
    ("console add form", "staff", "/admin/commerce/coupon/add/", 200, False),
    ("console sales", "staff", "/admin/commerce/order/sales/", 200, False),
    ("API docs", None, "/api/v1/docs/", 200, True),
    ("API schema", None, "/api/v1/schema/", 200, False),
    ("API error", None, "/api/v1/courses/", 401, False),
    ("not found", None, "/no-such-page/", 404, False),
    ("not allowed", "clerk", "/admin/commerce/order/sales/", 403, False),
    ("robots.txt", None, "/robots.txt", 200, False),
]


@pytest.mark.parametrize(("page", "who", "path", "status", "nonce"), PAGES, ids=[row[0] for row in PAGES])
def test_every_kind_of_page_answers_the_strict_policy(client, site, page, who, path, status, nonce):
    # given
    if who:
        client.force_login(site[who])
    # when
    response = client.get(path.format(**site))
    # then
    assert response.status_code in (status if isinstance(status, tuple) else (status,)), response.status_code
    policy = policy_of(response)
    assert_strict(policy)
    assert policy["form-action"] == ["'self'", EMULATOR]
    has_nonce = len(policy["script-src"]) == 2
    assert has_nonce is nonce
    if nonce:
        [source] = policy["script-src"][1:]
        assert f'<script nonce="{source[len("nonce-") + 1 : -1]}">' in response.content.decode()


def test_redoc_alone_may_use_inline_styles_and_a_blob_worker(client, site):
    # when
    response = client.get("/api/v1/redoc/")
    # then
    assert response.status_code == 200
    policy = policy_of(response)
    assert_strict(policy, styles_inline=True)
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert len(policy["script-src"]) == 2  # its start-up script's nonce


def test_the_site_pages_have_no_worker_source_of_their_own(client, site):
    assert "worker-src" not in policy_of(client.get("/"))


@pytest.mark.parametrize(
    ("api_host", "form_action"),
    [
        (EMULATOR, ["'self'", EMULATOR]),
        ("http://localhost:40123/", ["'self'", "http://localhost:40123"]),
        ("https://stripe-emulator.internal:8443/v1", ["'self'", "https://stripe-emulator.internal:8443"]),
        ("", ["'self'", STRIPE_CHECKOUT_ORIGIN]),
        (None, ["'self'", STRIPE_CHECKOUT_ORIGIN]),  # real Stripe: the setting is not even defined
    ],
)
def test_checkout_forms_may_post_to_the_stripe_page_the_site_redirects_to(client, settings, api_host, form_action):
    # given
    if api_host is None:
        del settings.STRIPE_API_HOST
    else:
        settings.STRIPE_API_HOST = api_host
    # when
    response = client.get("/")
    # then
    assert policy_of(response)["form-action"] == form_action


def raise_error(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", raise_error), path("", include("innerwork.urls"))]
handler500 = "innerwork.core.views.server_error"


@pytest.mark.urls(__name__)
def test_the_server_error_page_answers_the_policy():
    # given
    client = Client(raise_request_exception=False)
    # when
    response = client.get("/boom/")
    # then
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert_strict(policy_of(response))


def test_the_bad_request_and_csrf_failure_pages_answer_the_policy(site):
    # given: a Host the site does not serve, then a form posted without its token
    bad_host = Client().get("/", HTTP_HOST="evil.example")
    csrf_failure = Client(enforce_csrf_checks=True).post("/cart/add/", {"course": site["course"].pk})
    # then
    assert bad_host.status_code == 400
    assert_strict(policy_of(bad_host))
    assert csrf_failure.status_code == 403
    assert_strict(policy_of(csrf_failure))


# ---- violation reports ------------------------------------------------------------------------------------

REPORT = {
    "csp-report": {
        "document-uri": "https://innerwork.test/courses/calm/",
        "violated-directive": "style-src-attr",
        "effective-directive": "style-src-attr",
        "blocked-uri": "inline",
        "source-file": "https://innerwork.test/static/js/catalogue.js",
        "original-policy": "default-src 'self'",
    }
}


def logged_reports(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "innerwork.core.csp"]


def post_report(client, body, content_type="application/csp-report", **extra):
    return client.generic("POST", "/csp-report/", body, content_type=content_type, **extra)


def test_a_report_is_logged_in_one_short_line(client, caplog):
    # when
    with caplog.at_level(logging.WARNING, logger="innerwork.core.csp"):
        response = post_report(client, json.dumps(REPORT))
    # then
    assert response.status_code == 204
    [line] = logged_reports(caplog)
    assert "violated-directive='style-src-attr'" in line
    assert "document-uri='https://innerwork.test/courses/calm/'" in line
    assert "source-file='https://innerwork.test/static/js/catalogue.js'" in line
    assert "original-policy" not in line


def test_a_long_blocked_uri_is_cut_in_the_log(client, caplog):
    report = {"csp-report": {**REPORT["csp-report"], "blocked-uri": "data:image/png;base64," + "A" * 3000}}
    with caplog.at_level(logging.WARNING, logger="innerwork.core.csp"):
        response = post_report(client, json.dumps(report))
    assert response.status_code == 204
    [line] = logged_reports(caplog)
    assert "A" * (REPORT_FIELD_CHARS - len("data:image/png;base64,")) in line
    assert "A" * REPORT_FIELD_CHARS not in line
    assert len(line) < 1000


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        ("[1, 2]", 400),
        ('{"csp-report": "a string"}', 400),
        ('{"something": {}}', 400),
        ('{"csp-report": {"blocked-uri": "' + "x" * 9000 + '"}}', 413),
    ],
    ids=["not json", "a list", "report not an object", "no report", "too large"],
)
def test_what_is_not_a_report_is_refused_and_not_logged(client, caplog, body, status):
    with caplog.at_level(logging.WARNING, logger="innerwork.core.csp"):
        response = post_report(client, body)
    assert response.status_code == status
    assert logged_reports(caplog) == []


def test_reports_are_posted_not_read(client):
    assert client.get("/csp-report/").status_code == 405


def test_one_address_gets_its_reports_logged_up_to_the_limit_a_minute_and_the_rest_dropped_quietly(client, caplog):
    # given
    body = json.dumps(REPORT)
    # when: one address sends more than the limit, and another address one report
    with caplog.at_level(logging.INFO):
        answers = [post_report(client, body).status_code for _ in range(REPORTS_PER_MINUTE + 5)]
        invalid_past_the_limit = post_report(client, "not json").status_code
        other_address = post_report(client, body, REMOTE_ADDR="10.0.0.9").status_code
    # then: every answer is 204, and the log holds the limit's worth of lines plus the other address's
    assert answers == [204] * (REPORTS_PER_MINUTE + 5)
    assert invalid_past_the_limit == 204
    assert other_address == 204
    assert len(logged_reports(caplog)) == REPORTS_PER_MINUTE + 1
    assert len(caplog.records) == REPORTS_PER_MINUTE + 1  # nor does Django log the dropped ones
