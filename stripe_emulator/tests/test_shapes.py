"""Every object type the emulator serves has Stripe's shape.

A scenario creates one of everything (open, paid, declined, 3-D Secure, free, expired sessions; partial,
full and failed refunds; deleted objects). Each object, fetched as raw JSON, must carry every field
stripe-python 15 declares for its class with a value of the declared type; where Stripe's own examples
(`fixtures3.json`, kept outside the repository) are present, every field Stripe always sends must be there
with the same JSON type. Every id field stripe-python types as expandable must expand.
"""

from __future__ import annotations

import json
import os
import typing
import urllib.request
from pathlib import Path

import pytest
import stripe

from stripe_emulator.tests.factories import make_paid_session, make_price, make_session
from stripe_emulator.tests.shapes import class_for, declared_fields, shape_problems

REPOSITORY = Path(__file__).resolve().parents[2]
FIXTURES = Path(os.environ.get("STRIPE_FIXTURES", REPOSITORY.parent / "shared" / "stripe" / "fixtures3.json"))

LISTS = {
    "customer": "/v1/customers",
    "product": "/v1/products",
    "price": "/v1/prices",
    "coupon": "/v1/coupons",
    "promotion_code": "/v1/promotion_codes",
    "checkout.session": "/v1/checkout/sessions",
    "payment_intent": "/v1/payment_intents",
    "charge": "/v1/charges",
    "payment_method": "/v1/payment_methods",
    "balance_transaction": "/v1/balance_transactions",
    "refund": "/v1/refunds",
    "dispute": "/v1/disputes",
    "event": "/v1/events",
    "webhook_endpoint": "/v1/webhook_endpoints",
}
RETRIEVE = {name: path + "/{id}" for name, path in LISTS.items() if name not in ("event", "webhook_endpoint")}
TYPES = ["account", *LISTS, "item", "discount"]
DELETED = ["customer", "product", "coupon", "webhook_endpoint"]


def get(emulator, path: str) -> dict:
    request = urllib.request.Request(emulator.url + path, headers={"Authorization": f"Bearer {emulator.api_key}"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def every(emulator, path: str) -> list[dict]:
    items, query = [], "limit=100"
    while True:
        page = get(emulator, f"{path}{'&' if '?' in path else '?'}{query}")
        items += page["data"]
        if not page["has_more"]:
            return items
        query = f"limit=100&starting_after={page['data'][-1]['id']}"


def build_scenario(emulator) -> dict[str, list[dict]]:
    customer = stripe.Customer.create(
        email="ann@example.com", name="Ann", phone="+15555550100", address={"country": "DE", "city": "Berlin"}
    )
    gone = stripe.Customer.delete(stripe.Customer.create(email="gone@example.com").id)
    course = make_price(amount=4900, lookup_key="course-standard", metadata={"course": "1"})
    product = stripe.Product.create(
        name="Workbook",
        description="Printed",
        images=["https://img.example/w.png"],
        marketing_features=[{"name": "Exercises"}],
        package_dimensions={"height": 1, "length": 29.7, "weight": 300, "width": 21},
        shippable=True,
        default_price_data={"currency": "usd", "unit_amount": 1500},
    )
    workbook = stripe.Price.retrieve(product.default_price)
    stripe.Price.create(product=product.id, currency="usd", unit_amount=900, recurring={"interval": "month"})
    deletable = stripe.Product.create(name="Draft")
    stripe.Product.delete(deletable.id)
    percent = stripe.Coupon.create(percent_off=20, duration="repeating", duration_in_months=3, name="Spring")
    amount = stripe.Coupon.create(amount_off=500, currency="usd", applies_to={"products": [course.product]})
    free = stripe.Coupon.create(percent_off=100, max_redemptions=10, redeem_by=emulator.now() + 86400)
    stripe.Coupon.delete(stripe.Coupon.create(percent_off=1).id)
    promo = stripe.PromotionCode.create(
        promotion={"type": "coupon", "coupon": percent.id},
        code="SPRING",
        customer=customer.id,
        expires_at=emulator.now() + 86400,
        restrictions={"minimum_amount": 1000, "minimum_amount_currency": "usd", "first_time_transaction": True},
    )
    endpoint = stripe.WebhookEndpoint.create(url="http://127.0.0.1:9/hook", enabled_events=["*"], description="Shop")
    stripe.WebhookEndpoint.delete(stripe.WebhookEndpoint.create(url="http://127.0.0.1:9/x", enabled_events=["*"]).id)
    emulator.pause_webhooks()

    paid = make_session(
        prices=[(course, 1), (workbook, 2)],
        customer=customer.id,
        discounts=[{"promotion_code": promo.id}],
        payment_intent_data={"description": "Order 1", "metadata": {"order": "1"}, "setup_future_usage": "off_session"},
    )
    emulator.pay_checkout_session(paid.id)
    with_amount_coupon = make_session(
        prices=[(course, 1)], customer_creation="always", discounts=[{"coupon": amount.id}]
    )
    emulator.pay_checkout_session(with_amount_coupon.id, card="5555555555554444")
    declined = make_session(customer_email="b@example.com", allow_promotion_codes=True)
    emulator.pay_checkout_session(declined.id, card="4000000000000002")
    pending_3ds = make_session()
    emulator.pay_checkout_session(pending_3ds.id, card="4000002500003155")
    done_3ds = make_session()
    emulator.pay_checkout_session(done_3ds.id, card="4000002760003184")
    emulator.authenticate(stripe.checkout.Session.retrieve(done_3ds.id).payment_intent)
    free_session = make_session(discounts=[{"coupon": free.id}])
    emulator.pay_checkout_session(free_session.id, card="")
    stripe.checkout.Session.expire(make_session().id)
    charges = stripe.Charge.list(limit=100).data
    succeeded = [charge for charge in charges if charge.status == "succeeded"]
    stripe.Refund.create(charge=succeeded[0].id, amount=100, reason="duplicate", metadata={"ticket": "1"})
    failed = stripe.Refund.create(charge=succeeded[1].id, amount=200)
    emulator.fail_refund(failed.id)
    stripe.Refund.create(payment_intent=succeeded[2].payment_intent)
    for outcome in ("won", "lost", "under_review"):
        disputed = make_session()
        emulator.pay_checkout_session(disputed.id, card="4000000000000259")
        dispute = stripe.Dispute.list(payment_intent=stripe.checkout.Session.retrieve(disputed.id).payment_intent)
        emulator.move_dispute(dispute.data[0].id, outcome)

    objects: dict[str, list[dict]] = {name: every(emulator, path) for name, path in LISTS.items()}
    objects["account"] = [get(emulator, "/v1/account")]
    objects["webhook_endpoint"].append(
        get(emulator, "/v1/webhook_endpoints").get("data", [])[0] | {"secret": "whsec_x"}
    )
    assert endpoint.secret
    expanded = every(emulator, "/v1/checkout/sessions?expand[]=data.line_items&expand[]=data.total_details.breakdown")
    objects["checkout.session"] += expanded
    objects["charge"] += every(emulator, "/v1/charges?expand[]=data.refunds")
    objects["customer"] += every(emulator, "/v1/customers?expand[]=data.sources&expand[]=data.tax_ids")
    objects["item"] = [
        item for session in expanded for item in every(emulator, f"/v1/checkout/sessions/{session['id']}/line_items")
    ]
    objects["discount"] = [
        entry["discount"] for session in expanded for entry in session["total_details"]["breakdown"]["discounts"]
    ]
    objects["deleted"] = [
        get(emulator, f"/v1/customers/{gone.id}"),
        stripe.Product.delete(stripe.Product.create(name="Temp").id).to_dict(),
        stripe.Coupon.delete(stripe.Coupon.create(percent_off=2).id).to_dict(),
        stripe.WebhookEndpoint.delete(
            stripe.WebhookEndpoint.create(url="http://127.0.0.1:9/y", enabled_events=["*"]).id
        ).to_dict(),
    ]
    emulator.resume_webhooks()
    return objects


@pytest.fixture(scope="module")
def scenario(stripe_emulator_session):
    stripe_emulator_session.reset()
    with stripe_emulator_session.configure_stripe():
        yield stripe_emulator_session, build_scenario(stripe_emulator_session)
    stripe_emulator_session.reset()


def fixture_problems(ours, example, path: str) -> list[str]:
    """Where `ours` lacks a field Stripe's example always carries, or carries it with another JSON type."""

    def kind(value):
        return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__

    if ours is None or example is None:
        return []
    if isinstance(example, dict) and isinstance(ours, dict):
        problems = []
        for key, value in example.items():
            if key not in ours:
                problems.append(f"{path}.{key}: in Stripe's example, missing here")
            elif key != "metadata" and not (path.endswith(".data") and key == "object"):
                # metadata keys are free-form; an event's object is of another type than the example's
                problems += fixture_problems(ours[key], value, f"{path}.{key}")
        return problems
    if isinstance(example, list) and isinstance(ours, list):
        return (
            [problem for item in ours for problem in fixture_problems(item, example[0], f"{path}[]")] if example else []
        )
    return [] if kind(ours) == kind(example) else [f"{path}: {kind(ours)} here, {kind(example)} in Stripe's example"]


def null_key_problems(ours, example, path: str) -> list[str]:
    """Where `ours` sends a key as null that Stripe's example leaves out: Stripe omits it, it does not send null."""
    if not (isinstance(ours, dict) and isinstance(example, dict)):
        if isinstance(ours, list) and isinstance(example, list) and example:
            return [problem for item in ours for problem in null_key_problems(item, example[0], f"{path}[]")]
        return []
    problems = []
    for key, value in ours.items():
        if key not in example:
            if value is None:
                problems.append(f"{path}.{key}: null here, absent in Stripe's example")
        elif key != "metadata" and not (path.endswith(".data") and key == "object"):
            problems += null_key_problems(value, example[key], f"{path}.{key}")
    return problems


@pytest.fixture(scope="module")
def stripe_examples():
    return json.loads(FIXTURES.read_text())["resources"] if FIXTURES.exists() else None


@pytest.mark.parametrize("object_type", TYPES)
def test_every_object_has_stripes_shape(scenario, stripe_examples, object_type):
    _, objects = scenario
    found = objects[object_type]
    assert found, f"the scenario made no {object_type}"

    problems = [problem for obj in found for problem in shape_problems(obj, class_for(obj["object"]))]
    if stripe_examples is not None:
        problems += [p for obj in found for p in fixture_problems(obj, stripe_examples[object_type], object_type)]
        problems += [p for obj in found for p in null_key_problems(obj, stripe_examples[object_type], object_type)]

    assert sorted(set(problems)) == []


def test_event_objects_have_the_shape_of_their_type(scenario):
    _, objects = scenario
    event_types = {event["type"] for event in objects["event"]}

    problems = [p for event in objects["event"] for p in shape_problems(event["data"]["object"])]

    assert problems == []
    assert {
        "checkout.session.completed",
        "checkout.session.expired",
        "payment_intent.created",
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
        "payment_intent.requires_action",
        "charge.succeeded",
        "charge.failed",
        "charge.refunded",
        "refund.created",
        "refund.updated",
        "refund.failed",
        "customer.created",
        "customer.deleted",
        "product.created",
        "product.deleted",
        "price.created",
        "coupon.created",
        "coupon.deleted",
        "promotion_code.created",
    } <= event_types


def test_deleted_objects_are_stubs_like_stripes(scenario, stripe_examples):
    _, objects = scenario

    for stub in objects["deleted"]:
        assert stub["deleted"] is True
        assert set(stub) == {"id", "object", "deleted"}
        if stripe_examples is not None:
            assert set(stripe_examples[f"deleted_{stub['object']}"]) == set(stub)


def expandable_fields(object_type: str) -> list[str]:
    """Top-level fields stripe-python types as `ExpandableField` (an id or the object)."""
    names = []
    for name, annotation in declared_fields(class_for(object_type)).items():
        args = typing.get_args(annotation)
        if str in args and any(isinstance(arg, (typing.ForwardRef, str)) and arg is not str for arg in args):
            names.append(name)
    return names


@pytest.mark.parametrize("object_type", sorted(RETRIEVE))
def test_every_expandable_id_expands_to_its_object(scenario, object_type):
    emulator, objects = scenario
    checked = 0
    for obj in objects[object_type]:
        for field in expandable_fields(object_type):
            if isinstance(obj.get(field), str):
                path = RETRIEVE[object_type].format(id=obj["id"])
                expanded = get(emulator, f"{path}?expand[]={field}")[field]
                assert isinstance(expanded, dict), f"{object_type}.{field} did not expand"
                assert expanded["id"] == obj[field]
                assert shape_problems(expanded) == []
                checked += 1
    expected_some = {"checkout.session", "payment_intent", "charge", "refund", "balance_transaction", "price"}
    if object_type in expected_some:
        assert checked > 0


def test_the_shape_check_itself_catches_a_missing_field_a_wrong_type_and_a_null_stripe_leaves_out(
    scenario, stripe_examples
):
    _, objects = scenario
    charge = dict(objects["charge"][0])
    del charge["amount_refunded"]  # stripe-python: int, never absent
    del charge["receipt_url"]  # Optional, but Stripe's example has it
    charge["amount"] = "4900"
    charge["level3"] = None  # Stripe leaves level3 out when there is none

    problems = shape_problems(charge)

    assert any("amount_refunded: missing" in problem for problem in problems)
    assert any(problem.startswith("charge.amount: expected an integer") for problem in problems)
    assert fixture_problems({"a": 1}, {"a": 1, "b": None}, "x") == ["x.b: in Stripe's example, missing here"]
    assert null_key_problems({"a": 1, "b": None, "c": {"d": None}}, {"a": 1, "c": {}}, "x") == [
        "x.b: null here, absent in Stripe's example",
        "x.c.d: null here, absent in Stripe's example",
    ]
    if stripe_examples is not None:
        assert "charge.receipt_url: in Stripe's example, missing here" in fixture_problems(
            charge, stripe_examples["charge"], "charge"
        )
        assert "charge.level3: null here, absent in Stripe's example" in null_key_problems(
            charge, stripe_examples["charge"], "charge"
        )


@pytest.mark.parametrize(
    ("path", "absent", "present"),
    [
        ("/v1/customers/{customer}", ["deleted", "sources", "tax_ids"], ["email", "default_source"]),
        ("/v1/payment_methods/{method}", ["deleted", "sepa_debit", "klarna", "radar_options"], ["card", "customer"]),
        ("/v1/refunds/{refund}", ["failure_reason", "next_action", "description"], ["reason", "charge"]),
        ("/v1/webhook_endpoints/{endpoint}", ["secret", "deleted"], ["url", "api_version"]),
    ],
)
def test_keys_stripe_leaves_out_are_absent_not_null(emulator, path, absent, present):
    # given one of each
    customer = stripe.Customer.create(email="ann@example.com")
    session = make_session(customer=customer.id)
    emulator.pay_checkout_session(session.id)
    intent = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent"]).payment_intent
    refund = stripe.Refund.create(payment_intent=intent.id)
    endpoint = stripe.WebhookEndpoint.create(url="http://127.0.0.1:9/hook", enabled_events=["*"])
    ids = {"customer": customer.id, "method": intent.payment_method, "refund": refund.id, "endpoint": endpoint.id}
    # when read as raw JSON
    found = get(emulator, path.format(**ids))
    # then
    assert [key for key in absent if key in found] == []
    assert [key for key in present if key not in found] == []


def test_a_key_stripe_leaves_out_appears_once_it_has_a_value(emulator):
    charge = make_paid_session(emulator).payment_intent.latest_charge
    refund = stripe.Refund.create(charge=charge.id)
    assert "failure_reason" not in get(emulator, f"/v1/refunds/{refund.id}")

    emulator.fail_refund(refund.id, failure_reason="lost_or_stolen_card")

    failed = get(emulator, f"/v1/refunds/{refund.id}")
    assert (failed["status"], failed["failure_reason"]) == ("failed", "lost_or_stolen_card")
    assert get(emulator, f"/v1/customers/{stripe.Customer.delete(stripe.Customer.create().id).id}")["deleted"] is True
