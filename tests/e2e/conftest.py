"""The browser journeys' shop: the catalogue, a verified customer, and Stripe (the emulator) delivering
webhooks to live_server through the site's registered endpoint, exactly as in production."""

import pytest

from commerce.stripe_gateway.webhooks import webhook_endpoint_ensure
from commerce.tests.stripe_fixtures import wait_until_no_delivery_is_sending
from courses.tests.factories import CategoryFactory, course_with_lessons
from innerwork.accounts.tests.factories import UserFactory, VerifiedUserFactory


@pytest.fixture
def shop(stripe_emulator_django, live_server):
    """`base` (live_server's URL), `emulator`, courses `calm` ($49), `kind` ($79) and `focus` ($29), and
    `customer` (Inès, verified, in Paris), who signs in with `log_in` when the journey needs her to."""
    webhook_endpoint_ensure(base_url=live_server.url)
    mindfulness = CategoryFactory(name="Mindfulness", slug="mindfulness")
    leadership = CategoryFactory(name="Leadership", slug="leadership")
    calm = course_with_lessons(
        title="Calm Under Pressure",
        subtitle="Stay steady when the stakes are high.",
        price_amount=4900,
        category=mindfulness,
        instructor=UserFactory(full_name="Maya Okafor"),
        what_you_learn="Calm your body in 60 seconds\nSpot the thoughts that turn pressure into panic",
    )
    kind = course_with_lessons(
        title="Leading With Kindness",
        subtitle="Build a team that trusts you.",
        price_amount=7900,
        category=leadership,
    )
    focus = course_with_lessons(title="Deep Focus", price_amount=2900, category=mindfulness)
    customer = VerifiedUserFactory(email="ines.buyer@example.com", full_name="Inès Buyer", time_zone="Europe/Paris")
    yield {
        "emulator": stripe_emulator_django,
        "base": live_server.url,
        "calm": calm,
        "kind": kind,
        "focus": focus,
        "customer": customer,
    }
    # No webhook may reach the database while the next test empties it.
    stripe_emulator_django.pause_webhooks()
    wait_until_no_delivery_is_sending(stripe_emulator_django)
