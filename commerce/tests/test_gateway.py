"""The Stripe gateway and the catalogue mirror against the Stripe emulator: what Stripe ends up holding."""

import threading
from datetime import timedelta

import pytest
import stripe
from django.db import connections
from django.utils import timezone
from djstripe import models as djstripe_models

from commerce import stripe_gateway as gateway
from commerce.exceptions import PaymentProviderError
from commerce.models import CatalogPrice
from commerce.registry import get_kind
from commerce.stripe_gateway import PROVIDER_UNAVAILABLE
from commerce.stripe_mirror import catalog_item_sync, catalog_price_sync, catalog_sync, coupon_mirror_sync
from commerce.tests.factories import CouponFactory
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def course_item(course):
    return get_kind("course").price(ref=str(course.pk), user=None)


def session_for(price_id, *, key="key-1", **overrides):
    params = {
        "customer_id": gateway.customer_for_user(user=UserFactory()),
        "lines": [gateway.StripeLine(price_id=price_id, quantity=1)],
        "discount": None,
        "client_reference_id": "ORD-20261122-TEST01",
        "metadata": {"order_number": "ORD-20261122-TEST01"},
        "description": "test",
        "success_url": "http://testserver/ok/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://testserver/back/",
        "expires_at": timezone.now() + timedelta(minutes=33),
        "idempotency_key": key,
    }
    return gateway.session_create(**{**params, **overrides})


# -- customers ---------------------------------------------------------------------------------


def test_a_customer_is_created_once_per_person_and_reused(emulator):
    # given
    user = UserFactory(email="ada@example.com", full_name="Ada Lovelace")
    # when
    first = gateway.customer_for_user(user=user)
    second = gateway.customer_for_user(user=user)
    # then
    assert first == second
    customer = stripe.Customer.retrieve(first)
    assert (customer.email, customer.name) == ("ada@example.com", "Ada Lovelace")
    assert djstripe_models.Customer.objects.get(id=first).subscriber == user
    assert len(stripe.Customer.list(email="ada@example.com").data) == 1


@pytest.mark.django_db(transaction=True)
def test_racing_first_checkouts_of_one_person_make_one_customer(emulator):
    # given one person whose first two checkouts start at the same moment
    user = UserFactory(email="twice@example.com")
    barrier = threading.Barrier(4)
    results = []

    def create():
        try:
            barrier.wait(timeout=10)
            results.append(gateway.customer_for_user(user=user))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(4)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then Stripe holds one customer, and everyone got its id
    assert len(set(results)) == 1
    assert len(results) == 4
    assert len(stripe.Customer.list(email="twice@example.com").data) == 1


# -- catalogue ---------------------------------------------------------------------------------


def test_a_price_is_created_on_first_need_and_reused(emulator):
    # given
    course = CourseFactory(title="Calm Under Pressure", price_amount=4900)
    # when
    first = catalog_price_sync(item=course_item(course))
    second = catalog_price_sync(item=course_item(course))
    # then
    assert first.pk == second.pk
    price = stripe.Price.retrieve(first.stripe_price_id)
    assert (price.unit_amount, price.currency, price.active, price.product) == (
        4900,
        "usd",
        True,
        first.stripe_product_id,
    )
    assert stripe.Product.retrieve(first.stripe_product_id).name == "Calm Under Pressure"
    assert djstripe_models.Price.objects.filter(id=first.stripe_price_id).exists()


def test_a_price_change_creates_a_new_price_and_archives_the_old_one(emulator):
    # given a course mirrored at $49
    course = CourseFactory(price_amount=4900)
    old = catalog_price_sync(item=course_item(course))
    # when its price becomes $59
    course.price_amount = 5900
    course.save()
    new = catalog_price_sync(item=course_item(course))
    # then a new Price on the same Product is the active one, and the old one is archived
    assert new.stripe_price_id != old.stripe_price_id
    assert new.stripe_product_id == old.stripe_product_id
    assert stripe.Price.retrieve(new.stripe_price_id).unit_amount == 5900
    assert stripe.Price.retrieve(old.stripe_price_id).active is False
    assert list(CatalogPrice.objects.filter(kind="course", ref=str(course.pk), is_active=True)) == [new]


def test_syncing_an_unpublished_course_archives_its_price(emulator):
    course = CourseFactory(price_amount=4900)
    price = catalog_price_sync(item=course_item(course))
    course.is_published = False
    course.save()

    assert catalog_item_sync(kind="course", ref=str(course.pk)) is None

    assert stripe.Price.retrieve(price.stripe_price_id).active is False
    assert not CatalogPrice.objects.filter(is_active=True).exists()


def test_catalog_sync_renames_products_and_mirrors_every_coupon(emulator):
    # given a mirrored course that was renamed since, and a coupon never mirrored
    course = CourseFactory(title="Old name")
    catalog_price_sync(item=course_item(course))
    course.title = "New name"
    course.save()
    coupon = CouponFactory(code="WELCOME10")
    # when
    report = catalog_sync()
    # then
    assert report.synced == [f"course:{course.pk}"]
    product_id = CatalogPrice.objects.get().stripe_product_id
    assert stripe.Product.retrieve(product_id).name == "New name"
    coupon.refresh_from_db()
    assert stripe.PromotionCode.retrieve(coupon.stripe_promotion_code_id).code == "WELCOME10"


# -- coupons -----------------------------------------------------------------------------------


def test_a_coupon_is_mirrored_as_a_stripe_coupon_and_promotion_code(emulator):
    coupon = CouponFactory(code="SPRING20", percent_off=20)

    coupon_mirror_sync(coupon=coupon)

    stripe_coupon = stripe.Coupon.retrieve(coupon.stripe_coupon_id)
    promo = stripe.PromotionCode.retrieve(coupon.stripe_promotion_code_id)
    assert (stripe_coupon.percent_off, stripe_coupon.duration) == (20, "once")
    assert (promo.code, promo.active, promo.promotion.coupon) == ("SPRING20", True, coupon.stripe_coupon_id)
    assert djstripe_models.PromotionCode.objects.filter(id=promo.id).exists()


def test_changed_coupon_terms_get_a_new_stripe_coupon_and_the_old_code_is_deactivated(emulator):
    # given a mirrored 20 % coupon
    coupon = coupon_mirror_sync(coupon=CouponFactory(code="SPRING", percent_off=20))
    old_coupon, old_promo = coupon.stripe_coupon_id, coupon.stripe_promotion_code_id
    # when staff make it 25 %
    coupon.percent_off = 25
    coupon.save()
    coupon_mirror_sync(coupon=coupon)
    # then
    assert coupon.stripe_coupon_id != old_coupon
    assert stripe.Coupon.retrieve(coupon.stripe_coupon_id).percent_off == 25
    assert stripe.PromotionCode.retrieve(old_promo).active is False
    assert stripe.PromotionCode.retrieve(coupon.stripe_promotion_code_id).active is True


def test_a_deactivated_coupon_deactivates_its_promotion_code(emulator):
    coupon = coupon_mirror_sync(coupon=CouponFactory(code="GONE"))
    coupon.is_active = False
    coupon.save()

    coupon_mirror_sync(coupon=coupon)

    assert stripe.PromotionCode.retrieve(coupon.stripe_promotion_code_id).active is False


def test_a_fixed_coupon_is_mirrored_with_its_currency(emulator):
    coupon = coupon_mirror_sync(coupon=CouponFactory(code="TENOFF", fixed=True, amount_off=1000, currency="usd"))

    stripe_coupon = stripe.Coupon.retrieve(coupon.stripe_coupon_id)
    assert (stripe_coupon.amount_off, stripe_coupon.currency, stripe_coupon.percent_off) == (1000, "usd", None)


# -- checkout sessions -------------------------------------------------------------------------


def test_the_same_idempotency_key_gives_the_same_session(emulator):
    price = catalog_price_sync(item=course_item(CourseFactory()))
    customer = gateway.customer_for_user(user=UserFactory())
    expires = timezone.now().replace(microsecond=0) + timedelta(minutes=33)

    first = session_for(price.stripe_price_id, customer_id=customer, expires_at=expires)
    again = session_for(price.stripe_price_id, customer_id=customer, expires_at=expires)

    assert first.id == again.id
    assert len(stripe.checkout.Session.list().data) == 1


def test_expiring_a_session_twice_is_harmless_and_a_paid_session_reports_it_was_paid(emulator):
    price = catalog_price_sync(item=course_item(CourseFactory()))
    open_one = session_for(price.stripe_price_id, key="a")
    paid_one = session_for(price.stripe_price_id, key="b")
    emulator.pay_checkout_session(paid_one.id)

    assert gateway.session_expire(session_id=open_one.id).status == "expired"
    assert gateway.session_expire(session_id=open_one.id).status == "expired"
    after = gateway.session_expire(session_id=paid_one.id)
    assert (after.status, after.is_paid) == ("complete", True)


def test_a_paid_session_reads_with_its_card_receipt_and_billing_details(emulator):
    price = catalog_price_sync(item=course_item(CourseFactory(price_amount=4900)))
    customer_id = gateway.customer_for_user(user=UserFactory(email="maya@example.com"))
    session = session_for(price.stripe_price_id, customer_id=customer_id)
    emulator.pay_checkout_session(session.id, card="4242424242424242", name="Maya B")

    paid = gateway.session_retrieve(session_id=session.id)

    assert (paid.status, paid.payment_status, paid.amount_total, paid.currency) == ("complete", "paid", 4900, "usd")
    assert (paid.card_brand, paid.card_last4) == ("visa", "4242")
    assert paid.receipt_url.startswith(emulator.url + "/receipts/")
    assert (paid.billing_name, paid.billing_email) == ("Maya B", "maya@example.com")
    assert paid.payment_intent_id.startswith("pi_")
    assert paid.charge_id.startswith("ch_")
    assert paid.order_number == "ORD-20261122-TEST01"


@pytest.mark.parametrize("kind", ["api_error", "rate_limit"])
def test_stripe_errors_become_a_retryable_provider_error(emulator, kind):
    emulator.fault("/v1/customers", kind, method="POST")

    with pytest.raises(PaymentProviderError) as raised:
        gateway.customer_for_user(user=UserFactory())

    assert raised.value.message == PROVIDER_UNAVAILABLE


def test_a_timeout_becomes_a_retryable_provider_error(emulator, settings):
    settings.STRIPE_TIMEOUT_SECONDS = 0.5
    emulator.fault("/v1/customers", "timeout", method="POST", seconds=2, process=False)

    with pytest.raises(PaymentProviderError):
        gateway.customer_for_user(user=UserFactory())


def test_one_automatic_retry_reuses_the_idempotency_key(emulator, settings):
    # given one 500 and a client allowed one network retry
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    emulator.fault("/v1/customers", "api_error", method="POST", should_retry=True)
    user = UserFactory(email="retry@example.com")
    # when
    customer_id = gateway.customer_for_user(user=user)
    # then the retry succeeded and made one customer
    assert [c.id for c in stripe.Customer.list(email="retry@example.com").data] == [customer_id]
