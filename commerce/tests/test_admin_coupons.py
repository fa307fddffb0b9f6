"""Coupon console: Stripe sync status, deactivate, bulk single-use codes with their CSV, and who may use them."""

import csv
import io
from datetime import timedelta

import pytest
import stripe
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from commerce.admin.coupon_bulk import BULK_COUNT_RANGE, BULK_PREFIX_FORMAT, coupons_bulk_create
from commerce.models import Coupon, CouponRedemption
from commerce.tests.admin_fixtures import clients_by_role
from commerce.tests.factories import CouponFactory, CouponRedemptionFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:commerce_coupon_changelist")
BULK = reverse("admin:commerce_coupon_bulk")
CSV = reverse("admin:commerce_coupon_bulk_csv")


@pytest.fixture
def role_clients():
    return clients_by_role()


@pytest.fixture
def template_coupon():
    return CouponFactory(
        code="SPRING",
        percent_off=25,
        max_discount_amount=3000,
        min_order_amount=2000,
        applies_to_kinds=["course"],
        valid_until=timezone.now() + timedelta(days=30),
        max_uses=500,
    )


def read_csv(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_marketing_makes_single_use_codes_copying_the_terms_and_downloads_them(role_clients, template_coupon):
    client = role_clients["Marketing"]
    assert client.get(BULK).status_code == 200
    assert f'href="{BULK}"' in client.get(LIST).content.decode()

    response = client.post(
        BULK, {"prefix": "spring26", "count": "25", "terms_from": template_coupon.pk, "description": "Newsletter"}
    )

    assert response.status_code == 200
    made = Coupon.objects.filter(code__startswith="SPRING26-")
    assert made.count() == 25
    assert len(set(made.values_list("code", flat=True))) == 25
    for coupon in made:
        assert len(coupon.code) == len("SPRING26-") + 8
        assert (coupon.percent_off, coupon.max_discount_amount, coupon.min_order_amount) == (25, 3000, 2000)
        assert coupon.applies_to_kinds == ["course"]
        assert coupon.valid_until == template_coupon.valid_until
        assert (coupon.max_uses, coupon.max_uses_per_user, coupon.is_active) == (1, 1, True)
        assert coupon.description == "Newsletter"
    assert f"{CSV}?prefix=SPRING26" in response.content.decode()

    one = made.first()
    CouponRedemptionFactory(coupon=one, status=CouponRedemption.Status.REDEEMED)
    rows = read_csv(client.get(CSV, {"prefix": "spring26"}))
    assert [row["code"] for row in rows] == sorted(made.values_list("code", flat=True))
    assert {row["discount"] for row in rows} == {"25% off, up to $30.00"}
    assert {row["max_uses"] for row in rows} == {"1"}
    assert [row["used"] for row in rows if row["code"] == one.code] == ["1"]
    assert "SPRING" not in [row["code"] for row in rows]  # the template itself is not in the batch


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"count": "1001"}, "count", BULK_COUNT_RANGE),
        ({"count": "0"}, "count", BULK_COUNT_RANGE),
        ({"prefix": "no spaces"}, "prefix", BULK_PREFIX_FORMAT),
        ({"prefix": "-X"}, "prefix", BULK_PREFIX_FORMAT),
    ],
)
def test_bulk_form_limits(role_clients, template_coupon, data, field, message):
    form = {"prefix": "OK", "count": "3", "terms_from": template_coupon.pk, **data}
    response = role_clients["Marketing"].post(BULK, form)
    assert message in response.context["form"].errors[field]
    assert Coupon.objects.count() == 1


def test_a_thousand_codes_at_once_are_all_different(template_coupon):
    made = coupons_bulk_create(source=template_coupon, prefix="BIG", count=1000)
    assert len({coupon.code for coupon in made}) == 1000
    assert Coupon.objects.filter(code__startswith="BIG-").count() == 1000


@pytest.mark.parametrize(
    ("role", "bulk", "csv_status", "can_deactivate"),
    [
        ("Support", 403, 403, False),
        ("Finance", 403, 200, False),
        ("Marketing", 200, 200, True),
        ("Admin", 200, 200, True),
    ],
)
def test_who_may_make_codes_download_them_and_deactivate(
    role_clients, template_coupon, role, bulk, csv_status, can_deactivate
):
    client = role_clients[role]
    assert client.get(BULK).status_code == bulk
    assert client.post(BULK, {"prefix": "X", "count": "2", "terms_from": template_coupon.pk}).status_code == bulk
    assert client.get(CSV, {"prefix": "X"}).status_code == csv_status
    client.post(LIST, {"action": "deactivate", ACTION_CHECKBOX_NAME: [template_coupon.pk]})
    template_coupon.refresh_from_db()
    assert template_coupon.is_active is not can_deactivate


def test_deactivate_stops_the_selected_codes_and_says_how_many(role_clients):
    active = CouponFactory(code="ACTIVE1")
    other = CouponFactory(code="ACTIVE2")
    response = role_clients["Marketing"].post(
        LIST, {"action": "deactivate", ACTION_CHECKBOX_NAME: [active.pk]}, follow=True
    )
    assert "Deactivated 1 coupon." in response.content.decode()
    active.refresh_from_db()
    other.refresh_from_db()
    assert (active.is_active, other.is_active) == (False, True)


def test_stripe_sync_status_is_shown(role_clients):
    never = CouponFactory(code="NEVER")
    synced = CouponFactory(code="SYNCED", stripe_coupon_id="co_1")
    Coupon.objects.filter(pk=synced.pk).update(stripe_synced_at=timezone.now() + timedelta(seconds=5))
    stale = CouponFactory(code="STALE", stripe_coupon_id="co_2")
    Coupon.objects.filter(pk=stale.pk).update(stripe_synced_at=timezone.now() - timedelta(days=1))

    html = role_clients["Marketing"].get(LIST).content.decode()
    assert "Not in Stripe yet" in html
    assert "In sync since" in html
    assert "Changed since the last sync" in html
    page = role_clients["Marketing"].get(reverse("admin:commerce_coupon_change", args=[never.pk])).content.decode()
    assert "Not in Stripe yet (mirrored at its first checkout)" in page


def test_the_sync_action_mirrors_the_coupon_in_stripe(role_clients, emulator):
    coupon = CouponFactory(code="MIRRORME", percent_off=15)
    role_clients["Marketing"].post(LIST, {"action": "sync_in_stripe", ACTION_CHECKBOX_NAME: [coupon.pk]})
    coupon.refresh_from_db()
    assert stripe.Coupon.retrieve(coupon.stripe_coupon_id).percent_off == 15
    assert coupon.stripe_promotion_code_id
    assert coupon.stripe_synced_at is not None
