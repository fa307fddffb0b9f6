"""The staff console in a real browser (Debian Chromium) at laptop and phone widths: its home page and an
order's page. The order is paid and partly refunded through the Stripe emulator; screenshots of each
width land in artifacts/screenshots/ to be looked at."""

import re

import pytest
from django.test import Client

from commerce.models import Refund
from commerce.refunds.services import refund_start
from commerce.tests.admin_fixtures import staff_in
from commerce.tests.stripe_fixtures import order_paid
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from tests.e2e.test_checkout_journeys import VIEWPORTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def too_wide(page) -> list[str]:
    """The elements that reach past the right edge, for the failure message."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 12)
            .map(el => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""
    )


def at_each_width(page, name):
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.shot(f"{name}-{label}")
        assert fits_the_width(page), f"{page.url} scrolls sideways at {label} width: {too_wide(page)}"
    page.set_viewport_size(VIEWPORTS["laptop"])


def test_the_console_home_folds_the_stripe_mirror_for_a_superuser(page, live_server):
    sign_in(page, live_server.url, StaffFactory(is_superuser=True, email="root@innerwork.test"))

    page.goto(f"{live_server.url}/admin/")

    captions = [text.strip() for text in page.locator("#content-main > div.module caption").all_text_contents()]
    assert captions[:3] == ["Reports", "Commerce", "Courses"]
    assert captions.count("Accounts") == 1
    assert not page.is_visible("[data-stripe-mirror] .app-djstripe")
    at_each_width(page, "console-home-folded")
    page.click("[data-stripe-mirror] summary")
    assert page.is_visible("[data-stripe-mirror] .app-djstripe a:text-is('Webhook event triggers')")
    at_each_width(page, "console-home-stripe-open")


def test_support_staff_see_no_stripe_mirror(page, live_server):
    sign_in(page, live_server.url, staff_in("Support"))

    page.goto(f"{live_server.url}/admin/")

    assert page.locator("[data-stripe-mirror]").count() == 0
    assert page.locator(".app-djstripe").count() == 0
    at_each_width(page, "console-home-support")


def test_an_order_page_gives_times_in_the_viewers_zone_and_fits_a_phone(page, live_server, stripe_emulator_django):
    buyer = UserFactory(email="maya@example.com", full_name="Maya Buyer")
    client = Client()
    client.force_login(buyer)
    order = order_paid(
        stripe_emulator_django,
        client,
        buyer,
        CourseFactory(title="Calm Under Pressure: a long course title to test the table", price_amount=4900),
        CourseFactory(title="Deep Focus", price_amount=2900),
    )
    viewer = staff_in("Finance", time_zone="Europe/Paris")
    refund_start(
        order=order,
        amounts={order.lines.order_by("pk").first().pk: 1000},
        reason="Late video in module two",
        actor=viewer,
        source=Refund.Source.STAFF,
        request_key="goodwill",
        revoke=False,
    )
    stripe_emulator_django.wait_for_webhooks()
    sign_in(page, live_server.url, viewer)

    page.goto(f"{live_server.url}/admin/commerce/order/{order.pk}/change/")

    assert re.fullmatch(r"All times in Europe/Paris \(CES?T\), your time zone\.", page.inner_text("[data-time-zone]"))
    times = re.findall(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} (\S+)", page.inner_text("#content-main"))
    assert len(times) >= 6
    assert set(times) <= {"CET", "CEST"}
    at_each_width(page, "console-order")
