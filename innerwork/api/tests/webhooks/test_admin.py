"""The webhook console: an endpoint's secret shown once, the delivery log, resend, and who may do what."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commerce.tests.admin_fixtures import client_for, staff_in
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.api.webhooks.deliveries import webhook_deliveries_due
from innerwork.api.webhooks.models import HTTP_ONLY, HTTPS_REQUIRED, WebhookDelivery, WebhookEndpoint
from innerwork.api.webhooks.services import partner_event_emit, webhook_delivery_resend, webhook_endpoint_create
from innerwork.core.models import OutboxEmail, StaffAction, StatusChange

pytestmark = pytest.mark.django_db


def _failed_delivery(endpoint, receiver, capture) -> WebhookDelivery:
    """A delivery that gave up (its server answered 500 to every try)."""
    receiver.fail_first(1000)
    with capture(execute=True):
        partner_event_emit(partner=endpoint.partner, type="order.paid", data={"n": 1}, idempotency_key="order:1")
    delivery = WebhookDelivery.objects.get()
    while delivery.status == "pending":
        webhook_deliveries_due(now=delivery.next_attempt_at)
        delivery.refresh_from_db()
    return delivery


def test_adding_an_endpoint_shows_its_secret_once_and_audits_it(partner, receiver, client):
    # given a member of staff
    staff = StaffFactory()
    client.force_login(staff)

    # when they add an endpoint for the partner
    response = client.post(
        reverse("admin:api_webhookendpoint_add"),
        {
            "partner": partner.pk,
            "url": receiver.url,
            "event_types": ["order.paid", "order.refunded"],
            "is_active": "on",
        },
        follow=True,
    )

    # then it exists with a fresh secret, shown in the message once and never again
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["order.paid", "order.refunded"]
    assert re.fullmatch(r"whsec_[A-Za-z0-9_-]{32}", endpoint.secret)
    assert endpoint.secret in response.content.decode()
    page = client.get(reverse("admin:api_webhookendpoint_change", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in page
    assert endpoint.secret_hint in page
    assert StaffAction.objects.filter(action="webhook_endpoint.create", actor=staff).count() == 1


def test_an_endpoint_needs_a_known_event_type(partner, receiver, client):
    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:api_webhookendpoint_add"),
        {"partner": partner.pk, "url": receiver.url, "event_types": ["booking.exploded"]},
    )
    assert response.status_code == 200  # the form again, with the error
    assert not WebhookEndpoint.objects.exists()


def test_rolling_the_secret_shows_the_new_one_once_and_audits_it(endpoint, client):
    staff = StaffFactory()
    client.force_login(staff)
    old = endpoint.secret

    response = client.post(
        reverse("admin:api_webhookendpoint_changelist"),
        {"action": "roll_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()
    assert StaffAction.objects.filter(action="webhook_endpoint.roll_secret", actor=staff).count() == 1


def test_the_log_shows_status_attempts_and_the_last_answer(endpoint, receiver, django_capture_on_commit_callbacks):
    delivery = _failed_delivery(endpoint, receiver, django_capture_on_commit_callbacks)
    client = client_for(StaffFactory())

    listing = client.get(reverse("admin:api_webhookdelivery_changelist")).content.decode()
    detail = client.get(reverse("admin:api_webhookdelivery_change", args=[delivery.pk])).content.decode()

    assert delivery.event.public_id in listing
    assert "Failed (gave up)" in listing
    assert "500" in detail
    assert detail.count("not today") == 11  # every attempt's answer, in the attempts below
    assert "Resend now" in detail


def test_the_resend_button_sends_the_same_event_again_and_records_who(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    # given a delivery that gave up, and a server that works again
    delivery = _failed_delivery(endpoint, receiver, django_capture_on_commit_callbacks)
    receiver.fail_first(0)
    staff = staff_in("Support")

    # when Support presses "Resend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(reverse("admin:api_webhookdelivery_resend", args=[delivery.pk]))

    # then the same event was posted again and delivered, and the move and the resend are recorded
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.resends) == ("succeeded", 1, 1)
    assert len(receiver.requests) == 12
    assert len({request.body for request in receiver.requests}) == 1
    moves = StatusChange.objects.filter(subject_type="api.webhookdelivery", subject_id=str(delivery.pk))
    assert list(moves.order_by("id").values_list("from_status", "to_status", "actor")) == [
        ("pending", "failed", None),
        ("failed", "pending", staff.pk),
        ("pending", "succeeded", None),
    ]
    assert StaffAction.objects.filter(action="webhook_delivery.resend", actor=staff).count() == 1


def test_a_second_round_that_gives_up_emails_the_partner_again(endpoint, receiver, django_capture_on_commit_callbacks):
    delivery = _failed_delivery(endpoint, receiver, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_resend(delivery=delivery, actor=StaffFactory())
    delivery.refresh_from_db()
    while delivery.status == "pending":
        webhook_deliveries_due(now=delivery.next_attempt_at)
        delivery.refresh_from_db()

    assert delivery.status == "failed"
    assert OutboxEmail.objects.filter(kind="api/webhook_gave_up").count() == 2


@pytest.mark.parametrize(
    ("who", "sees_log", "resends", "adds_endpoint"),
    [
        ("Support", True, True, False),
        ("Finance", True, True, False),
        ("Marketing", False, False, False),
        ("Admin", True, True, True),
        ("staff without a role", False, False, False),
        ("customer", False, False, False),
    ],
)
def test_who_may_read_the_log_resend_and_add_endpoints(
    endpoint, receiver, django_capture_on_commit_callbacks, who, sees_log, resends, adds_endpoint
):
    # given a delivered event and a person
    with django_capture_on_commit_callbacks(execute=True):
        partner_event_emit(partner=endpoint.partner, type="order.paid", data={}, idempotency_key="order:1")
    delivery = WebhookDelivery.objects.get()
    if who == "staff without a role":
        user = UserFactory(is_staff=True)
    elif who == "customer":
        user = UserFactory()
    else:
        user = staff_in(who)
    client = client_for(user)

    # when they open the log, press resend, and open the add-endpoint page
    log = client.get(reverse("admin:api_webhookdelivery_change", args=[delivery.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        resend = client.post(reverse("admin:api_webhookdelivery_resend", args=[delivery.pk]))
    add = client.get(reverse("admin:api_webhookendpoint_add"))

    # then each sees and does exactly what their role allows (a customer is sent to the login page)
    signed_out = who == "customer"
    assert log.status_code == (200 if sees_log else 302 if signed_out else 403)
    assert resend.status_code == (302 if resends or signed_out else 403)
    assert add.status_code == (200 if adds_endpoint else 302 if signed_out else 403)
    assert len(receiver.requests) == (2 if resends else 1)
    assert ("Resend now" in log.content.decode()) is resends


def test_resend_takes_a_post_only(endpoint, client):
    client.force_login(StaffFactory())
    assert client.get(reverse("admin:api_webhookdelivery_resend", args=[1])).status_code == 405


@pytest.mark.parametrize(
    ("url", "require_https", "refusal"),
    [
        ("https://portal.example/hooks", True, None),
        ("http://portal.example/hooks", True, HTTPS_REQUIRED),
        ("http://portal.example/hooks", False, None),
        ("ftp://portal.example/hooks", False, HTTP_ONLY),
        ("not a url", False, "Enter a valid URL."),
    ],
)
def test_an_endpoint_url_is_https_where_settings_require_it(partner, settings, url, require_https, refusal):
    # given production's rule (https only) or DEBUG's
    settings.PARTNER_WEBHOOK_REQUIRE_HTTPS = require_https

    # when an endpoint is created with `url`: then it is refused saying why, or stored
    if refusal:
        with pytest.raises(ValidationError) as refused:
            webhook_endpoint_create(partner=partner, url=url, event_types=["order.paid"])
        assert refusal in refused.value.message_dict["url"]
    else:
        webhook_endpoint_create(partner=partner, url=url, event_types=["order.paid"])
    assert WebhookEndpoint.objects.exists() is (refusal is None)


def test_staff_read_an_event_as_the_partner_received_it(endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = partner_event_emit(
            partner=endpoint.partner, type="order.paid", data={"amount": 7500}, idempotency_key="order:1"
        )

    page = client_for(StaffFactory()).get(reverse("admin:api_partnerevent_change", args=[event.pk]))

    assert page.status_code == 200
    assert f"&quot;id&quot;: &quot;{event.public_id}&quot;" in page.content.decode()
    assert "&quot;amount&quot;: 7500" in page.content.decode()
