import pytest
from django.urls import reverse

from commerce.admin import coupons as coupon_admin
from commerce.models import Coupon, CouponRedemption
from commerce.tests.factories import CouponFactory, CouponRedemptionFactory, OrderFactory
from innerwork.accounts.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:commerce_coupon_add")


def form_data(**overrides):
    data = {
        "code": "spring20",
        "description": "Spring sale",
        "is_active": "on",
        "discount_type": "percent",
        "percent_off": "20",
        "amount_off_major": "",
        "currency": "usd",
        "max_discount_major": "",
        "valid_from_0": "",
        "valid_from_1": "",
        "valid_until_0": "",
        "valid_until_1": "",
        "min_order_major": "",
        "applies_to_categories": "",
        "applies_to_refs": "",
        "max_uses": "",
        "max_uses_per_user": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def errors_of(response) -> dict:
    assert response.status_code == 200, "the form should be shown again with errors"
    return response.context["adminform"].form.errors


def test_staff_create_a_percent_coupon_with_amounts_in_major_units(staff_client):
    response = staff_client.post(
        ADD_URL,
        form_data(
            max_discount_major="25.00",
            min_order_major="50",
            applies_to_kinds=["course"],
            applies_to_categories="mindfulness, leadership",
            applies_to_refs="course:12, course:15",
            max_uses="100",
            max_uses_per_user="1",
        ),
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    coupon = Coupon.objects.get()
    assert coupon.code == "SPRING20"
    assert (coupon.max_discount_amount, coupon.min_order_amount) == (2500, 5000)
    assert coupon.applies_to_kinds == ["course"]
    assert coupon.applies_to_categories == ["mindfulness", "leadership"]
    assert coupon.applies_to_refs == ["course:12", "course:15"]
    assert (coupon.max_uses, coupon.max_uses_per_user) == (100, 1)


def test_staff_create_a_fixed_coupon(staff_client):
    response = staff_client.post(
        ADD_URL, form_data(code="TENOFF", discount_type="fixed", percent_off="", amount_off_major="10")
    )
    assert response.status_code == 302
    coupon = Coupon.objects.get()
    assert (coupon.discount_type, coupon.amount_off, coupon.percent_off) == ("fixed", 1000, None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "x"}, "code", coupon_admin.ADMIN_CODE_FORMAT),
        ({"code": "has space"}, "code", coupon_admin.ADMIN_CODE_FORMAT),
        ({"currency": "us1"}, "currency", coupon_admin.ADMIN_CURRENCY_FORMAT),
        ({"percent_off": ""}, "percent_off", coupon_admin.ADMIN_PERCENT_REQUIRED),
        ({"percent_off": "0"}, "percent_off", coupon_admin.ADMIN_PERCENT_RANGE),
        ({"percent_off": "100.01"}, "percent_off", coupon_admin.ADMIN_PERCENT_RANGE),
        ({"amount_off_major": "5"}, "amount_off_major", coupon_admin.ADMIN_ONLY_PERCENT),
        ({"max_discount_major": "0"}, "max_discount_major", coupon_admin.ADMIN_AMOUNT_POSITIVE),
        (
            {"discount_type": "fixed", "percent_off": "", "amount_off_major": ""},
            "amount_off_major",
            coupon_admin.ADMIN_AMOUNT_REQUIRED,
        ),
        (
            {"discount_type": "fixed", "percent_off": "", "amount_off_major": "0"},
            "amount_off_major",
            coupon_admin.ADMIN_AMOUNT_REQUIRED,
        ),
        ({"discount_type": "fixed", "amount_off_major": "5"}, "percent_off", coupon_admin.ADMIN_ONLY_AMOUNT),
        (
            {"discount_type": "fixed", "percent_off": "", "amount_off_major": "5", "max_discount_major": "3"},
            "max_discount_major",
            coupon_admin.ADMIN_CAP_ON_FIXED,
        ),
        (
            {"discount_type": "fixed", "percent_off": "", "amount_off_major": "5.001"},
            "amount_off_major",
            coupon_admin.ADMIN_AMOUNT_PRECISION.format(currency="USD"),
        ),
        (
            {
                "discount_type": "fixed",
                "percent_off": "",
                "amount_off_major": "500.5",
                "currency": "jpy",
            },
            "amount_off_major",
            coupon_admin.ADMIN_AMOUNT_PRECISION.format(currency="JPY"),
        ),
        (
            {
                "valid_from_0": "2026-12-01",
                "valid_from_1": "00:00:00",
                "valid_until_0": "2026-11-01",
                "valid_until_1": "00:00:00",
            },
            "valid_until",
            coupon_admin.ADMIN_WINDOW_ORDER,
        ),
        ({"max_uses": "0"}, "max_uses", coupon_admin.ADMIN_USES_POSITIVE),
        ({"max_uses_per_user": "0"}, "max_uses_per_user", coupon_admin.ADMIN_USES_POSITIVE),
        ({"max_uses": "2", "max_uses_per_user": "3"}, "max_uses_per_user", coupon_admin.ADMIN_PER_USER_ABOVE_TOTAL),
        (
            {"applies_to_categories": "Mindfulness!"},
            "applies_to_categories",
            coupon_admin.ADMIN_BAD_CATEGORY.format(value="Mindfulness!"),
        ),
        ({"applies_to_refs": "12"}, "applies_to_refs", coupon_admin.ADMIN_BAD_REF.format(value="12")),
        (
            {"applies_to_refs": "spaceship:1"},
            "applies_to_refs",
            coupon_admin.ADMIN_UNKNOWN_KIND.format(
                kind="spaceship", known="coaching_contract, course, mentorship_session"
            ),
        ),
    ],
)
def test_every_coupon_rule_is_validated(staff_client, overrides, field, message):
    response = staff_client.post(ADD_URL, form_data(**overrides))
    assert message in errors_of(response)[field]
    assert not Coupon.objects.exists()


def test_a_code_taken_in_another_case_is_refused(staff_client):
    CouponFactory(code="SPRING20")
    response = staff_client.post(ADD_URL, form_data(code="spring20"))
    assert coupon_admin.ADMIN_CODE_TAKEN.format(code="SPRING20") in errors_of(response)["code"]


def test_an_unknown_product_kind_cannot_be_ticked(staff_client):
    response = staff_client.post(ADD_URL, form_data(applies_to_kinds=["spaceship"]))
    assert "applies_to_kinds" in errors_of(response)


def test_editing_shows_amounts_in_major_units_and_keeps_them(staff_client):
    coupon = CouponFactory(code="CAPPED", percent_off=30, max_discount_amount=1250, min_order_amount=3000)
    url = reverse("admin:commerce_coupon_change", args=[coupon.pk])
    form = staff_client.get(url).context["adminform"].form
    assert str(form.initial["max_discount_major"]) == "12.50"
    assert str(form.initial["min_order_major"]) == "30.00"
    response = staff_client.post(
        url, form_data(code="CAPPED", percent_off="30", max_discount_major="12.50", min_order_major="30")
    )
    assert response.status_code == 302
    coupon.refresh_from_db()
    assert (coupon.max_discount_amount, coupon.min_order_amount) == (1250, 3000)


def test_the_change_page_shows_usage_and_live_reservations(staff_client):
    coupon = CouponFactory(code="LIMITED", max_uses=5)
    CouponRedemptionFactory(coupon=coupon, status=CouponRedemption.Status.REDEEMED)
    held = CouponRedemptionFactory(
        coupon=coupon, order=OrderFactory(user=UserFactory(email="holder@example.com"), coupon=coupon)
    )
    CouponRedemptionFactory(coupon=coupon, status=CouponRedemption.Status.RELEASED)
    html = staff_client.get(reverse("admin:commerce_coupon_change", args=[coupon.pk])).content.decode()
    assert "1 redeemed (paid), 1 held by open checkouts, 1 released · 3 left" in html
    assert held.order.number in html
    assert "holder@example.com" in html


def test_the_list_shows_terms_and_uses(staff_client):
    coupon = CouponFactory(code="LISTED", percent_off=15, max_uses=10)
    CouponRedemptionFactory(coupon=coupon, status=CouponRedemption.Status.REDEEMED)
    CouponRedemptionFactory(coupon=coupon)
    html = staff_client.get(reverse("admin:commerce_coupon_changelist")).content.decode()
    assert "15% off" in html
    assert "2 / 10" in html


def test_customers_cannot_open_the_coupon_admin(client):
    client.force_login(UserFactory())
    response = client.get(ADD_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response.url
