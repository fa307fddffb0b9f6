"""`/pricing/`: prices of every kind read from the database now, the refund policy in words generated from the
settings the policy engine reads, and a query count that does not grow with the catalogue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from coaching.models import CoachProfile
from coaching.tests.factories import CoachProfileFactory, PackageOfferFactory
from courses.tests.factories import CourseFactory
from mentorship.models import MentorProfile
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

PRICING = "/pricing/"


def test_prices_come_from_the_database_now(client):
    # given free and paid published courses, a draft, mentors and coaches' packages
    CourseFactory(price_amount=0)
    CourseFactory(price_amount=0)
    CourseFactory(price_amount=1900)
    CourseFactory(price_amount=14900)
    CourseFactory(price_amount=99, is_published=False)
    MentorProfileFactory(status=MentorProfile.Status.APPROVED, hourly_rate_amount=9000, session_lengths=[30, 60])
    MentorProfileFactory(status=MentorProfile.Status.APPROVED, hourly_rate_amount=20000, session_lengths=[60, 90])
    MentorProfileFactory(status=MentorProfile.Status.PENDING, hourly_rate_amount=1000, session_lengths=[30])
    PackageOfferFactory(price_amount=45000)
    PackageOfferFactory(price_amount=120000)
    PackageOfferFactory(price_amount=100, coach=CoachProfileFactory(status=CoachProfile.Status.DEACTIVATED))

    response = client.get(PRICING)

    assert response.status_code == 200
    # courses: $19.00 to $149.00, two free; the draft's $0.99 is not shown
    assertContains(response, "From $19.00")
    assertContains(response, "up to $149.00")
    assertContains(response, "2 free courses")
    assertNotContains(response, "$0.99")
    # sessions: 30 min at $90/h = $45.00 up to 90 min at $200/h = $300.00; the pending mentor's $5.00 is not
    assertContains(response, "From $45.00")
    assertContains(response, "up to $300.00")
    assertNotContains(response, "$5.00")
    # packages: from $450.00 up to $1,200.00; the deactivated coach's $1.00 is not
    assertContains(response, "From $450.00")
    assertContains(response, "up to $1,200.00")
    assertNotContains(response, "$1.00")


def test_nothing_on_sale_says_so(client):
    response = client.get(PRICING)

    assertContains(response, "None on sale right now", count=3)


@pytest.mark.parametrize(
    ("settings_values", "sentences"),
    [
        (
            {"COURSE_REFUND_DAYS": 14, "COURSE_REFUND_MAX_PROGRESS_PERCENT": 30},
            ["Ask within 14 days of paying", "less than 30% of the lessons"],
        ),
        (
            {"COURSE_REFUND_DAYS": 30, "COURSE_REFUND_MAX_PROGRESS_PERCENT": 10},
            ["Ask within 30 days of paying", "less than 10% of the lessons"],
        ),
        (
            {"BOOKING_CANCEL_REFUND_TIERS": "48:100,24:50,0:0"},
            [
                "Cancel 48 hours or more before the session: 100% of the price comes back.",
                "Cancel between 24 and 48 hours before: 50% of the price comes back.",
                "Cancel less than 24 hours before: nothing comes back.",
            ],
        ),
        (
            {"BOOKING_CANCEL_REFUND_TIERS": "72:80,12:25"},
            [
                "Cancel 72 hours or more before the session: 80% of the price comes back.",
                "Cancel between 12 and 72 hours before: 25% of the price comes back.",
                "Cancel less than 12 hours before: nothing comes back.",
            ],
        ),
        (
            {"BOOKING_RESCHEDULE_NOTICE_HOURS": 6, "BOOKING_MAX_RESCHEDULES": 3},
            ["Move a paid session up to 6 hours before it starts, up to 3 times"],
        ),
    ],
)
def test_the_refund_policy_is_written_from_the_engines_settings(client, settings, settings_values, sentences):
    for name, value in settings_values.items():
        setattr(settings, name, value)

    response = client.get(PRICING)

    for sentence in sentences:
        assertContains(response, sentence)


def test_accepted_cards_receipts_and_invoices_are_explained(client, settings):
    settings.INVOICE_TAX_RATE = 20

    response = client.get(PRICING)

    for words in ("Visa", "Mastercard", "American Express", "PDF invoice", "20% tax included", "credit note"):
        assertContains(response, words)


def test_the_header_and_footer_link_to_it(client):
    response = client.get(reverse("courses:catalogue"))

    assertContains(response, f'href="{PRICING}"')


def test_the_query_count_does_not_grow_with_what_is_on_sale(client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PRICING).status_code == 200
        return len(captured)

    CourseFactory(price_amount=1900)
    MentorProfileFactory(status=MentorProfile.Status.APPROVED)
    PackageOfferFactory()
    few = queries()
    for _ in range(10):
        CourseFactory(price_amount=2900, currency="eur")
        MentorProfileFactory(status=MentorProfile.Status.APPROVED, hourly_rate_amount=15000)
        PackageOfferFactory(price_amount=70000)
    many = queries()

    assert many == few
    assert few <= 5
