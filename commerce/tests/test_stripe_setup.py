"""Connecting the site to Stripe: the webhook endpoint, the catalogue sync command, the admin action."""

import hashlib
import hmac
import json
import time
from io import StringIO

import pytest
import stripe
from django.core.management import CommandError, call_command
from django.urls import reverse
from djstripe.models import WebhookEndpoint, WebhookEventTrigger

from commerce.models import CatalogPrice
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def endpoints_at_stripe() -> list:
    return stripe.WebhookEndpoint.list().data


def test_demo_setup_registers_the_webhook_endpoint_once_with_the_emulators_secret(emulator):
    # when run twice
    first = run("stripe_demo_setup", site_url=SITE)
    second = run("stripe_demo_setup", site_url=SITE)
    # then one endpoint exists, at Stripe and in dj-stripe, with the secret the emulator issued
    [remote] = endpoints_at_stripe()
    local = WebhookEndpoint.objects.get()
    assert local.id == remote.id
    assert local.url == f"{SITE}/stripe/webhook/{local.djstripe_uuid}/" == remote.url
    assert local.secret == emulator.webhook_secret(remote.id)
    assert remote.enabled_events == ["*"]
    assert first.startswith("Registered webhook endpoint")
    assert second.startswith("Already registered:")


def test_demo_setup_replaces_an_endpoint_stripe_forgot_and_removes_ones_we_forgot(emulator):
    # given an endpoint Stripe no longer has (a reset emulator) ...
    run("stripe_demo_setup", site_url=SITE)
    emulator.reset()
    # ... and one Stripe has for our site that our database does not know (a reset database)
    stripe.WebhookEndpoint.create(
        url=f"{SITE}/stripe/webhook/00000000-0000-0000-0000-000000000000/", enabled_events=["*"]
    )
    # when
    run("stripe_demo_setup", site_url=SITE)
    # then exactly one endpoint remains, the one we know
    [remote] = endpoints_at_stripe()
    assert list(WebhookEndpoint.objects.values_list("id", flat=True)) == [remote.id]


def test_demo_setup_tells_where_make_run_starts_the_emulator(settings):
    settings.STRIPE_API_HOST = "http://127.0.0.1:12111"
    assert run("stripe_demo_setup", emulator_port=True).strip() == "12111"
    settings.STRIPE_API_HOST = ""
    assert run("stripe_demo_setup", emulator_port=True).strip() == ""
    settings.STRIPE_API_HOST = "https://api.stripe.com"
    assert run("stripe_demo_setup", emulator_port=True).strip() == ""


def test_with_real_stripe_demo_setup_explains_stripe_listen_and_registers_nothing(settings):
    settings.STRIPE_API_HOST = ""

    output = run("stripe_demo_setup")

    assert "stripe listen --print-secret" in output
    assert not WebhookEndpoint.objects.exists()


def test_demo_setup_gives_up_clearly_when_stripe_does_not_answer(settings):
    settings.STRIPE_API_HOST = "http://127.0.0.1:9"
    stripe_base = stripe.api_base
    stripe.api_base = "http://127.0.0.1:9"
    try:
        with pytest.raises(CommandError, match="did not answer"):
            run("stripe_demo_setup", wait=0.3)
    finally:
        stripe.api_base = stripe_base


def test_a_stripe_cli_endpoint_accepts_events_signed_with_the_cli_secret(emulator, client):
    # given the endpoint made for `stripe listen` with the secret it printed
    output = run("stripe_demo_setup", site_url="http://testserver", cli_secret="whsec_cli_secret")
    endpoint = WebhookEndpoint.objects.get()
    assert output.strip() == f"Now run:  stripe listen --forward-to {endpoint.url}"
    # when the CLI forwards an event signed with that secret
    stripe.Customer.create(email="cli@example.com")
    event = stripe.Event.list(type="customer.created").data[0].to_dict()
    body = json.dumps(event)
    timestamp = int(time.time())
    signature = hmac.new(b"whsec_cli_secret", f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    response = client.post(
        reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid}),
        body,
        content_type="application/json",
        headers={"stripe-signature": f"t={timestamp},v1={signature}"},
    )
    # then dj-stripe verified and processed it
    assert response.status_code == 200
    trigger = WebhookEventTrigger.objects.get()
    assert (trigger.valid, trigger.processed) == (True, True)


def test_sync_stripe_catalog_mirrors_named_items_and_reports_them(emulator):
    course = CourseFactory(price_amount=3900)

    output = run("sync_stripe_catalog", item=[f"course:{course.pk}"])

    price = CatalogPrice.objects.get()
    assert stripe.Price.retrieve(price.stripe_price_id).unit_amount == 3900
    assert f"mirrored course:{course.pk}" in output


def test_sync_stripe_catalog_refuses_a_malformed_item_and_reports_stripe_failures(emulator):
    with pytest.raises(CommandError, match="kind:ref"):
        run("sync_stripe_catalog", item=["course"])
    emulator.fault("/v1/products", "api_error", method="POST")
    with pytest.raises(CommandError, match="payment provider"):
        run("sync_stripe_catalog", item=[f"course:{CourseFactory().pk}"])


def test_staff_mirror_courses_in_stripe_from_the_course_list(emulator, client):
    # given two courses selected in the admin
    client.force_login(StaffFactory())
    courses = [CourseFactory(price_amount=4900), CourseFactory(price_amount=2900)]
    # when the action runs
    response = client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "mirror_in_stripe", "_selected_action": [c.pk for c in courses]},
        follow=True,
    )
    # then both have a Stripe Price at their amount
    assert "Mirrored 2 courses in Stripe." in response.content.decode()
    amounts = {p.ref: stripe.Price.retrieve(p.stripe_price_id).unit_amount for p in CatalogPrice.objects.all()}
    assert amounts == {str(courses[0].pk): 4900, str(courses[1].pk): 2900}
