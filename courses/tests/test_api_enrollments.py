"""The partner API's enrollments: the courses a partner sold its customer, with their progress, never another
partner's nor the person's own; and the enrollment.created / enrollment.completed events the learning services
emit to the partner whose order enrolled the learner."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from commerce.checkout import order_fulfil_from_return
from commerce.models import Order
from commerce.tests.stripe_fixtures import emulator  # noqa: F401  (the Stripe emulator, used by name)
from courses.models import Enrollment, Lesson
from courses.services import enrollment_create, enrollment_set_status, lesson_complete
from courses.tests.factories import course_with_lessons
from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.keys import SCOPES
from innerwork.api.services import partner_customer_create_or_link
from innerwork.api.tests.factories import PartnerFactory, key_for
from innerwork.api.webhooks.models import PartnerEvent

pytestmark = pytest.mark.django_db

API = "/api/v1"


def client_for(partner, *, scopes=tuple(SCOPES)) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key_for(partner, scopes=scopes)}")
    return client


def customer_of(partner, user):
    return partner_customer_create_or_link(
        partner=partner, email=user.email, external_id=f"ext-{user.pk}", full_name="", time_zone="UTC"
    ).customer


@pytest.fixture
def partner():
    return PartnerFactory()


@pytest.fixture
def learner():
    return UserFactory(full_name="Lee Learner")


@pytest.fixture
def customer(partner, learner):
    return customer_of(partner, learner)


def buy_through(partner, customer, course, *, emulator, capture) -> Order:  # noqa: F811
    """The partner checks `course` out for its customer; the customer pays 4242 on the emulator's page."""
    body = {
        "item": {"type": "courses", "customer": customer.public_id, "courses": [course.slug]},
        "success_url": "https://portal.example.com/paid",
        "cancel_url": "https://portal.example.com/",
    }
    started = client_for(partner).post(
        f"{API}/checkout-sessions/", body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
    )
    assert started.status_code == 201, started.json()
    emulator.pay_checkout_session(started.json()["session_id"], card="4242424242424242")
    order = Order.objects.get(number=started.json()["payment_id"])
    with capture(execute=True):
        return order_fulfil_from_return(order=order, session_id=started.json()["session_id"])


@pytest.fixture
def enrollment(partner, customer, learner, emulator, django_capture_on_commit_callbacks):  # noqa: F811
    """The learner in a 6-lesson course bought through the partner, 2 lessons done."""
    course = course_with_lessons(slug="calm", modules=2, lessons_per_module=3)
    buy_through(partner, customer, course, emulator=emulator, capture=django_capture_on_commit_callbacks)
    enrollment = Enrollment.objects.get(user=learner, course=course)
    for lesson in Lesson.objects.filter(module__course=course).order_by("module__position", "position")[:2]:
        lesson_complete(enrollment=enrollment, lesson=lesson)
    return enrollment


def test_a_customers_enrollments_with_their_progress(partner, customer, learner, enrollment):
    # given another learner's enrollment, who is not the partner's customer, and a free course the customer
    # took on the site
    enrollment_create(user=UserFactory(), course=enrollment.course, type=Enrollment.Type.PAID)
    free = course_with_lessons(slug="free", modules=1, lessons_per_module=1, price_amount=0)
    enrollment_create(user=learner, course=free, type=Enrollment.Type.FREE)

    # when the partner lists its customer's enrollments and gets the one
    api = client_for(partner, scopes=["orders:read"])
    listed = api.get(f"{API}/enrollments/", {"customer": customer.public_id}).json()
    detail = api.get(f"{API}/enrollments/{enrollment.pk}/").json()

    # then only the customer's, with 2 of 6 lessons done
    assert [item["id"] for item in listed["data"]] == [enrollment.pk]
    assert listed["data"][0] == detail
    assert detail["customer"] == customer.public_id
    assert detail["course"] == {"slug": "calm", "title": enrollment.course.title}
    assert (detail["status"], detail["certificate_code"]) == ("active", None)
    assert {k: detail["progress"][k] for k in ("lessons_total", "lessons_done", "percent")} == {
        "lessons_total": 6,
        "lessons_done": 2,
        "percent": 33,
    }


def test_the_enrollment_object_says_when_access_ends(
    partner,
    customer,
    learner,
    emulator,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given a lifetime course and a 30-day course, both bought through the partner
    lifetime = course_with_lessons(slug="lifetime", modules=1, lessons_per_module=1)
    limited = course_with_lessons(slug="thirty-days", modules=1, lessons_per_module=1, access_days=30)
    for course in (lifetime, limited):
        buy_through(partner, customer, course, emulator=emulator, capture=django_capture_on_commit_callbacks)
    api = client_for(partner, scopes=["orders:read"])

    # when the partner reads both
    by_slug = {
        item["course"]["slug"]: item
        for item in api.get(f"{API}/enrollments/", {"customer": customer.public_id}).json()["data"]
    }

    # then the lifetime one has no end, the other ends 30 days after the payment, in UTC
    paid_at = Order.objects.get(user=learner, lines__ref=str(limited.pk)).paid_at
    assert by_slug["lifetime"]["expires_at"] is None
    assert by_slug["thirty-days"]["expires_at"] == (paid_at + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_openapi_schema_documents_expires_at(client):
    schema = client.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    expires_at = schema["components"]["schemas"]["Enrollment"]["properties"]["expires_at"]
    assert expires_at["format"] == "date-time"
    assert expires_at["nullable"] is True
    assert "expires_at" in schema["components"]["schemas"]["Enrollment"]["required"]


REFUSALS = [
    # (case, who asks, path, status, code)
    ("another partner's enrollment", "other", "/enrollments/{id}/", 404, "resource_missing"),
    ("another partner's customer", "other", "/enrollments/?customer={customer}", 400, "parameter_invalid"),
    ("no customer", "own", "/enrollments/", 400, "parameter_missing"),
    ("an unknown id", "own", "/enrollments/999999999/", 404, "resource_missing"),
    (
        "a cursor that is not an id",
        "own",
        "/enrollments/?customer={customer}&starting_after=abc",
        400,
        "parameter_invalid",
    ),
    ("a key without orders:read", "no scope", "/enrollments/{id}/", 403, "scope_missing"),
]


@pytest.mark.parametrize(("case", "who", "path", "status", "code"), REFUSALS, ids=[c[0] for c in REFUSALS])
def test_enrollment_refusals(partner, customer, enrollment, case, who, path, status, code):
    clients = {
        "own": lambda: client_for(partner),
        "other": lambda: client_for(PartnerFactory()),
        "no scope": lambda: client_for(partner, scopes=[s for s in SCOPES if s != "orders:read"]),
    }
    response = clients[who]().get(API + path.format(id=enrollment.pk, customer=customer.public_id))
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_enrollment_events_reach_the_partner_that_sold_it_once_each(partner, customer, enrollment):
    # when the learner finishes the course (and finishing again changes nothing)
    for lesson in Lesson.objects.filter(module__course=enrollment.course):
        lesson_complete(enrollment=enrollment, lesson=lesson)
    enrollment_set_status(enrollment=enrollment, status=Enrollment.Status.COMPLETED)

    # then the partner has one enrollment.created and one enrollment.completed, with the course named
    events = PartnerEvent.objects.filter(partner=partner).exclude(type="order.paid").order_by("pk")
    assert [(e.type, e.data["id"], e.data["course"]["slug"], e.data["status"]) for e in events] == [
        ("enrollment.created", enrollment.pk, "calm", "active"),
        ("enrollment.completed", enrollment.pk, "calm", "completed"),
    ]


def test_a_course_the_customer_took_on_the_site_tells_the_partner_nothing(partner, customer, learner):
    # given a free course the partner's customer takes on the site
    course = course_with_lessons(slug="solo", modules=1, lessons_per_module=1, price_amount=0)
    enrollment = enrollment_create(user=learner, course=course, type=Enrollment.Type.FREE)
    # when they finish it
    lesson_complete(enrollment=enrollment, lesson=Lesson.objects.get(module__course=course))
    # then it is completed and the partner heard nothing of it, nor can it read it
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.COMPLETED
    assert not PartnerEvent.objects.exists()
    response = client_for(partner).get(f"{API}/enrollments/{enrollment.pk}/")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "resource_missing")


def test_a_learner_no_partner_knows_emits_nothing(learner):
    course = course_with_lessons(slug="quiet", modules=1, lessons_per_module=1)
    enrollment = enrollment_create(user=UserFactory(), course=course, type=Enrollment.Type.FREE)
    lesson_complete(enrollment=enrollment, lesson=Lesson.objects.get(module__course=course))
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.COMPLETED
    assert not PartnerEvent.objects.exists()
