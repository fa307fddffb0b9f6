"""The order console: list, filters and search, the order's page and timeline, resend receipt, resolve flag."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from djstripe.models import Event, WebhookEventTrigger

from commerce.models import CheckoutSession, Order, OrderEvent, Refund
from commerce.orders.services import order_event_add, order_flag
from commerce.tests.admin_fixtures import client_for, clients_by_role, staff_in
from commerce.tests.factories import CouponFactory, OrderFactory, OrderLineFactory, paid_order
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.audit import staff_action_record
from innerwork.core.models import OutboxEmail, StaffAction

pytestmark = pytest.mark.django_db

LIST = reverse("admin:commerce_order_changelist")


@pytest.fixture
def role_clients():
    return clients_by_role()


def change_url(order):
    return reverse("admin:commerce_order_change", args=[order.pk])


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [order.number for order in response.context["cl"].result_list]


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def test_the_list_shows_status_total_customer_kinds_and_flag(role_clients):
    order = paid_order(user=UserFactory(email="ada@example.com", full_name="Ada Lovelace"), lines=(4900, 7900))
    order_flag(order=order, reason="Charged amount differs")

    html = role_clients["Support"].get(LIST).content.decode()

    assert order.number in html
    assert 'data-status="paid"' in html
    assert "Paid" in html
    assert "$128.00" in html
    assert "Ada Lovelace" in html
    assert "ada@example.com" in html
    assert ">course<" in html
    assert "Needs review" in html


def test_filters_status_date_range_kind_coupon_and_flag(role_clients):
    client = role_clients["Finance"]
    early = paid_order(lines=(1000,))
    Order.objects.filter(pk=early.pk).update(created_at=at("2026-10-01"))
    middle = paid_order(lines=(2000,), coupon=CouponFactory(code="AUTUMN"))
    Order.objects.filter(pk=middle.pk).update(created_at=at("2026-10-15"))
    late = OrderFactory()
    OrderLineFactory(order=late, kind="mentorship")
    Order.objects.filter(pk=late.pk).update(created_at=at("2026-11-02"))
    flagged = paid_order(lines=(3000,))
    order_flag(order=flagged, reason="Amount mismatch")

    assert listed(client.get(LIST, {"status__exact": "pending"})) == [late.number]
    assert listed(client.get(LIST, {"created_from": "2026-10-01", "created_to": "2026-10-15"})) == [
        middle.number,
        early.number,
    ]
    assert listed(client.get(LIST, {"created_from": "2026-10-02", "created_to": "2026-11-02"})) == [
        late.number,
        middle.number,
    ]
    assert listed(client.get(LIST, {"created_to": "2026-10-01"})) == [early.number]
    assert listed(client.get(LIST, {"kind": "mentorship"})) == [late.number]
    assert listed(client.get(LIST, {"coupon_code": "autumn"})) == [middle.number]
    assert listed(client.get(LIST, {"flag": "open"})) == [flagged.number]
    both = client.get(LIST, {"created_from": "2026-10-10", "status__exact": "paid"})
    assert listed(both) == [flagged.number, middle.number]
    assert 'value="2026-10-10"' in both.content.decode()  # the range stays filled in


@pytest.mark.parametrize(
    "query",
    ["ORD-", "grace@example.com", "Grace Hopper", "pi_3Search", "ch_3Search", "cs_test_Search", "billing@corp"],
)
def test_search_by_number_email_name_and_stripe_ids(role_clients, query):
    order = paid_order(
        user=UserFactory(email="grace@example.com", full_name="Grace Hopper"),
        payment_intent_id="pi_3Search",
        charge_id="ch_3Search",
        billing_email="billing@corp.example",
    )
    CheckoutSession.objects.create(order=order, stripe_id="cs_test_Search", expires_at=order.created_at)
    other = paid_order(user=UserFactory(email="someone@example.com", full_name="Someone Else"))
    if query == "ORD-":
        query = order.number

    found = listed(role_clients["Support"].get(LIST, {"q": query}))

    assert found == [order.number]
    assert other.number not in found


def test_the_order_page_shows_lines_amounts_refund_requests_and_a_merged_timeline(role_clients):
    admin_user = staff_in("Admin", email="boss@innerwork.test")
    order = paid_order(titles=["Calm Under Pressure", "Leading With Kindness"], payment_intent_id="pi_3Time")
    CheckoutSession.objects.create(order=order, stripe_id="cs_test_Time", expires_at=order.created_at)
    order_event_add(order=order, type="created", message="Order placed.")
    order_event_add(order=order, type="paid", message="Payment received.")
    OutboxEmail.objects.create(
        dedup_key=f"order:{order.pk}:confirmation",
        kind="commerce/order_confirmation",
        to=["a@b.c"],
        subject=f"Your order {order.number}",
        body_text="x",
    )
    OutboxEmail.objects.create(
        dedup_key="order:999999:confirmation", kind="x", to=["x@y.z"], subject="Other", body_text=""
    )
    staff_action_record(
        actor=admin_user, action="order.note", subject=order, reason="Called the customer", order_number=order.number
    )
    event = Event.objects.create(
        id="evt_Time1",
        type="checkout.session.completed",
        livemode=False,
        created=order.created_at,
        data={"object": {"id": "cs_test_Time", "object": "checkout.session"}},
    )

    trigger = WebhookEventTrigger.objects.create(
        remote_ip="127.0.0.1", headers={"stripe-signature": "t=1"}, body="{}", valid=True, processed=True, event=event
    )
    refund = Refund.objects.create(
        order=order, amount=100, currency="usd", source="staff", reason="r", idempotency_key="tl-1"
    )
    OutboxEmail.objects.create(
        dedup_key=f"refund:{refund.pk}:customer",
        kind="commerce/refund_issued",
        to=["a@b.c"],
        subject="Your refund",
        body_text="x",
    )

    html = client_for(admin_user).get(change_url(order)).content.decode()

    assert "Calm Under Pressure" in html
    assert "Leading With Kindness" in html
    assert "$128.00" in html
    timeline = html[html.index('data-panel="timeline"') :]
    for text in (
        "Order placed.",
        "Payment received.",
        f"Your order {order.number}",
        "order.note",
        "Called the customer",
        "boss@innerwork.test",
        "Stripe: checkout.session.completed",
    ):
        assert text in timeline, text
    assert "Other" not in timeline
    assert reverse("admin:djstripe_event_change", args=[event.pk]) in timeline
    assert reverse("admin:djstripe_webhookeventtrigger_change", args=[trigger.pk]) in timeline
    assert "Your refund" in timeline
    assert timeline.index("Order placed.") < timeline.index("Payment received.")
    # Support cannot open dj-stripe's pages, so the timeline does not link them.
    support_html = role_clients["Support"].get(change_url(order)).content.decode()
    assert "Stripe: checkout.session.completed" in support_html
    assert reverse("admin:djstripe_event_change", args=[event.pk]) not in support_html


def test_amounts_are_read_only(role_clients):
    order = paid_order()
    client = role_clients["Admin"]

    client.post(change_url(order), {"total_amount": "1", "amount_paid": "1"})

    order.refresh_from_db()
    assert (order.total_amount, order.amount_paid) == (12800, 12800)
    assert client.get(reverse("admin:commerce_order_add")).status_code == 403
    assert client.get(reverse("admin:commerce_order_delete", args=[order.pk])).status_code == 403


def test_resend_receipt_queues_a_new_email_once_per_form_and_records_who_and_why(role_clients):
    order = paid_order(user=UserFactory(email="buyer@example.com"))
    url = reverse("admin:commerce_order_resend_receipt", args=[order.pk])
    form = {"reason": "Customer lost the e-mail", "request_key": "k1"}

    first = role_clients["Support"].post(url, form)
    role_clients["Support"].post(url, form)  # a double submit

    assert first.status_code == 302
    assert first.url == change_url(order)
    email = OutboxEmail.objects.get(dedup_key=f"order:{order.pk}:receipt_resend:k1")
    assert email.to == ["buyer@example.com"]
    assert order.number in email.subject
    action = StaffAction.objects.get(action="order.resend_receipt")
    assert (action.actor.email, action.reason, action.order_number) == (
        "support@innerwork.test",
        "Customer lost the e-mail",
        order.number,
    )
    role_clients["Support"].post(url, {"reason": "Asked again", "request_key": "k2"})
    assert OutboxEmail.objects.filter(dedup_key__startswith=f"order:{order.pk}:receipt_resend:").count() == 2
    page = role_clients["Support"].get(change_url(order)).content.decode()
    assert "order.resend_receipt" in page
    assert "Customer lost the e-mail" in page


def test_resend_needs_a_reason_and_a_paid_order(role_clients):
    order = paid_order()
    url = reverse("admin:commerce_order_resend_receipt", args=[order.pk])
    response = role_clients["Support"].post(url, {"reason": "", "request_key": "k"}, follow=True)
    assert "Nothing was done." in response.content.decode()
    pending = OrderFactory()
    response = role_clients["Support"].post(
        reverse("admin:commerce_order_resend_receipt", args=[pending.pk]),
        {"reason": "x", "request_key": "k"},
        follow=True,
    )
    assert "Only a paid or refunded order has a receipt to send." in response.content.decode()
    assert not OutboxEmail.objects.filter(kind="commerce/order_confirmation").exists()
    assert not StaffAction.objects.exists()


def test_resolving_a_flag_records_who_when_why_and_leaves_the_review_list(role_clients):
    order = paid_order()
    order_flag(order=order, reason="Charged amount differs")
    url = reverse("admin:commerce_order_resolve_flag", args=[order.pk])

    response = role_clients["Finance"].post(url, {"reason": "Stripe fee difference, checked", "request_key": "k"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.flag_resolved_at is not None
    assert order.flag_resolved_by.email == "finance@innerwork.test"
    assert OrderEvent.objects.filter(order=order, type="flag_resolved").exists()
    action = StaffAction.objects.get(action="order.resolve_flag")
    assert action.reason == "Stripe fee difference, checked"
    assert listed(role_clients["Finance"].get(LIST, {"flag": "open"})) == []
    again = role_clients["Finance"].post(url, {"reason": "again", "request_key": "k"}, follow=True)
    assert "This order is not waiting for a review." in again.content.decode()
    assert StaffAction.objects.count() == 1


# ---- who may do what -----------------------------------------------------------------------------------

VIEW = {"Support": 200, "Finance": 200, "Marketing": 403, "Admin": 200}
RESEND = {"Support": 302, "Finance": 302, "Marketing": 403, "Admin": 302}
RESOLVE = {"Support": 403, "Finance": 302, "Marketing": 403, "Admin": 302}
REFUND_PAGE = {"Support": 403, "Finance": 200, "Marketing": 403, "Admin": 200}


@pytest.mark.parametrize("role", ["Support", "Finance", "Marketing", "Admin"])
def test_each_role_sees_and_does_only_what_it_may(role_clients, role):
    client = role_clients[role]
    order = paid_order()
    order_flag(order=order, reason="Check me")

    assert client.get(LIST).status_code == VIEW[role]
    assert client.get(reverse("admin:commerce_refundrequest_changelist")).status_code == VIEW[role]
    assert client.get(change_url(order)).status_code == VIEW[role]
    refund_page = client.get(reverse("admin:commerce_order_refund", args=[order.pk]))
    assert refund_page.status_code == REFUND_PAGE[role]
    resend = client.post(
        reverse("admin:commerce_order_resend_receipt", args=[order.pk]), {"reason": "r", "request_key": "k"}
    )
    assert resend.status_code == RESEND[role]
    resolve = client.post(
        reverse("admin:commerce_order_resolve_flag", args=[order.pk]), {"reason": "r", "request_key": "k"}
    )
    assert resolve.status_code == RESOLVE[role]
    assert StaffAction.objects.filter(actor__email=f"{role.lower()}@innerwork.test").count() == (
        (RESEND[role] == 302) + (RESOLVE[role] == 302)
    )
    if VIEW[role] == 200:
        page = client.get(change_url(order)).content.decode()
        assert ('data-action="refund"' in page) is (REFUND_PAGE[role] == 200)
        assert ('data-action="resolve"' in page) is False  # resolved above, or not allowed
        assert ('data-action="resend"' in page) is (RESEND[role] == 302)


def test_customers_are_sent_to_the_login(client):
    client.force_login(UserFactory())
    order = paid_order()
    response = client.get(change_url(order))
    assert response.status_code == 302
    response = client.post(reverse("admin:commerce_order_resend_receipt", args=[order.pk]), {"reason": "r"})
    assert response.status_code == 302
    assert not OutboxEmail.objects.exists()
