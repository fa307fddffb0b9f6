"""An order's page in the staff console gives every time in one zone, the viewer's, and names it.

The order is paid and partly refunded through the Stripe emulator, so the page has a payment time, a
refund, documents, e-mails sent and a timeline; the viewer is a member of Finance in each zone below.
"""

import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from commerce.models import Refund
from commerce.refunds.services import refund_start
from commerce.tests.admin_fixtures import client_for, staff_in
from commerce.tests.stripe_fixtures import order_paid
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

# "4 Dec 2026, 22:15 CET": every time the page shows has this shape, ending in its zone's abbreviation.
A_TIME = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} ([A-Z][A-Za-z]*|[+-]\d{2,4})\b")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@pytest.fixture
def refunded_order(client, buyer, emulator):
    order = order_paid(emulator, client, buyer, CourseFactory(title="Calm", price_amount=4900))
    refund_start(
        order=order,
        amounts={order.lines.get().pk: 1000},
        reason="Late video",
        actor=staff_in("Admin", email="admin-role@innerwork.test"),
        source=Refund.Source.STAFF,
        request_key="goodwill",
        revoke=False,
    )
    order.refresh_from_db()
    return order


@pytest.mark.parametrize(
    ("zone", "named"),
    [
        ("Europe/Paris", "Europe/Paris (CET)"),
        ("America/Los_Angeles", "America/Los_Angeles (PST)"),
        ("Asia/Kolkata", "Asia/Kolkata (IST)"),
        ("UTC", "UTC"),
    ],
)
def test_every_time_on_the_order_page_is_in_the_viewers_zone_which_is_named(refunded_order, zone, named):
    viewer = staff_in("Finance", time_zone=zone)
    local = timezone.localtime(refunded_order.created_at, ZoneInfo(zone))
    if zone in ("Europe/Paris", "America/Los_Angeles") and local.dst():
        named = named.replace("CET", "CEST").replace("PST", "PDT")

    html = client_for(viewer).get(reverse("admin:commerce_order_change", args=[refunded_order.pk])).content.decode()

    assert f"All times in {named}, your time zone." in html
    placed = f"{local.day} {local:%b %Y, %H:%M %Z}"
    assert f"placed {placed}" in html
    paid = timezone.localtime(refunded_order.paid_at, ZoneInfo(zone))
    assert f"on {paid.day} {paid:%b %Y, %H:%M %Z}" in html
    content = html.split('id="content-main"', 1)[1]
    shown = A_TIME.findall(content)
    assert len(shown) >= 6  # placed, paid, the refund, and the timeline's entries
    assert set(shown) == {local.strftime("%Z")}
    assert not ISO_TIME.search(content)  # no time left in another format (or zone)
