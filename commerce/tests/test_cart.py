import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from commerce.models import Cart, CartItem, WishlistItem
from commerce.shop.cart import CART_ALREADY_IN_CART, CART_CURRENCY_MIXED, SESSION_CART_TOKEN
from commerce.shop.coupons import COUPON_EMPTY_CART, COUPON_EXPIRED, COUPON_MIN_ORDER, COUPON_UNKNOWN, coupon_date
from commerce.shop.signals import MERGE_ADDED, MERGE_SKIPPED
from commerce.tests.factories import CartFactory, CartItemFactory, CouponFactory, future, past
from commerce.views.cart import CART_ADDED, CART_REMOVED, CART_SAVED_FOR_LATER, COUPON_APPLIED, COUPON_REMOVED
from courses.product_kind import COURSE_ALREADY_OWNED, COURSE_UNKNOWN
from courses.tests.factories import CourseFactory, EnrollmentFactory
from innerwork.accounts.tests.factories import PASSWORD, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

CART_URL = reverse("commerce:cart")


def add(client, course, **extra):
    return client.post(reverse("commerce:cart_add"), {"kind": "course", "ref": str(course.pk), **extra})


def cart_page(client):
    response = client.get(CART_URL)
    assert response.status_code == 200
    return response


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def user_cart(user) -> Cart:
    return Cart.objects.get(user=user)


# --- adding and removing --------------------------------------------------------------------


def test_a_visitor_adds_a_paid_course_and_sees_it_priced_in_the_cart(client):
    # given a paid course
    course = CourseFactory(title="Calm under pressure", price_amount=4900)
    # when an anonymous visitor adds it
    response = add(client, course)
    # then they land on their cart, which shows the line and the totals
    assert response.status_code == 302
    assert response.url == CART_URL
    page = client.get(CART_URL)
    html = page.content.decode()
    assert CART_ADDED in messages_of(page)
    assert "Calm under pressure" in html
    assert page.context["quote"].total_amount == 4900
    assert "$49.00" in html
    # and the cart is keyed by a token in their session, not by a user
    cart = Cart.objects.get()
    assert cart.user is None
    assert cart.session_key == client.session[SESSION_CART_TOKEN]


def test_a_signed_in_customer_adds_to_their_own_cart(client):
    user = UserFactory()
    client.force_login(user)
    add(client, CourseFactory())
    assert user_cart(user).items.count() == 1


def test_the_same_course_twice_is_refused_with_a_message(client):
    course = CourseFactory(title="Deep work")
    add(client, course)
    response = add(client, course, next=course.get_absolute_url())
    assert response.url == course.get_absolute_url()
    assert CART_ALREADY_IN_CART.format(title="Deep work") in messages_of(client.get(response.url))
    assert CartItem.objects.count() == 1


def test_a_course_already_owned_cannot_be_added(client):
    user = UserFactory()
    course = CourseFactory()
    EnrollmentFactory(user=user, course=course)
    client.force_login(user)
    response = add(client, course, next=course.get_absolute_url())
    assert COURSE_ALREADY_OWNED in messages_of(client.get(response.url))
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("ref", ["999999", "abc", "", "1; DROP TABLE"])
def test_unknown_or_malformed_items_are_refused(client, ref):
    response = client.post(reverse("commerce:cart_add"), {"kind": "course", "ref": ref})
    assert response.status_code == 302
    assert COURSE_UNKNOWN in messages_of(client.get(CART_URL))
    assert not CartItem.objects.exists()


def test_an_unpublished_course_cannot_be_added(client):
    add(client, CourseFactory(is_published=False))
    assert not CartItem.objects.exists()


def test_a_course_in_another_currency_is_refused(client):
    add(client, CourseFactory(currency="usd"))
    add(client, CourseFactory(currency="eur", title="Euro course"))
    message = CART_CURRENCY_MIXED.format(cart_currency="USD", title="Euro course", currency="EUR")
    assert message in messages_of(client.get(CART_URL))
    assert CartItem.objects.count() == 1


def test_an_offsite_next_is_ignored(client):
    course = CourseFactory()
    add(client, course)
    response = add(client, course, next="https://evil.example/phish")
    assert response.url == CART_URL


def test_removing_a_line(client):
    course = CourseFactory()
    add(client, course)
    item = CartItem.objects.get()
    response = client.post(reverse("commerce:cart_remove", kwargs={"item_id": item.pk}))
    assert response.url == CART_URL
    assert CART_REMOVED in messages_of(client.get(CART_URL))
    assert not CartItem.objects.exists()


def test_save_for_later_moves_a_line_to_the_wishlist(client):
    user = UserFactory()
    client.force_login(user)
    add(client, CourseFactory())
    item = CartItem.objects.get()
    client.post(reverse("commerce:cart_save_for_later", kwargs={"item_id": item.pk}))
    assert CART_SAVED_FOR_LATER in messages_of(client.get(CART_URL))
    assert not CartItem.objects.exists()
    assert WishlistItem.objects.filter(user=user, ref=item.ref).exists()


# --- nobody touches another person's cart ----------------------------------------------------


def test_a_customer_cannot_remove_a_line_from_someone_elses_cart(client):
    # given someone else's cart line
    other_item = CartItemFactory(ref=str(CourseFactory().pk))
    client.force_login(UserFactory())
    add(client, CourseFactory())
    # when they post its id
    response = client.post(reverse("commerce:cart_remove", kwargs={"item_id": other_item.pk}))
    # then it does not exist for them
    assert response.status_code == 404
    assert CartItem.objects.filter(pk=other_item.pk).exists()


def test_a_visitor_without_a_cart_gets_404_for_any_line(client):
    other_item = CartItemFactory(ref=str(CourseFactory().pk))
    response = client.post(reverse("commerce:cart_remove", kwargs={"item_id": other_item.pk}))
    assert response.status_code == 404
    assert CartItem.objects.filter(pk=other_item.pk).exists()


def test_a_customer_cannot_save_someone_elses_line_for_later(client):
    other_item = CartItemFactory(ref=str(CourseFactory().pk))
    client.force_login(UserFactory())
    response = client.post(reverse("commerce:cart_save_for_later", kwargs={"item_id": other_item.pk}))
    assert response.status_code == 404
    assert CartItem.objects.filter(pk=other_item.pk).exists()
    assert not WishlistItem.objects.exists()


def test_two_visitors_have_separate_carts():
    first, second = Client(), Client()
    add(first, CourseFactory(title="First's course"))
    add(second, CourseFactory(title="Second's course"))
    assert "First's course" not in second.get(CART_URL).content.decode()
    assert "Second's course" not in first.get(CART_URL).content.decode()


def test_another_persons_cart_never_shows(client):
    CartItemFactory(cart=CartFactory(), ref=str(CourseFactory(title="Private pick").pk))
    client.force_login(UserFactory())
    assert "Private pick" not in cart_page(client).content.decode()


# --- empty state and checkout button ---------------------------------------------------------


def test_an_empty_cart_invites_browsing_and_creates_nothing(client):
    response = cart_page(client)
    html = response.content.decode()
    assert "Your cart is empty" in html
    assert reverse("courses:catalogue") in html
    assert not Cart.objects.exists()


def test_the_checkout_button_posts_the_cart_to_checkout(client):
    add(client, CourseFactory())
    html = cart_page(client).content.decode()
    assert f'method="post" action="{reverse("commerce:checkout")}"' in html
    assert 'type="submit" aria-describedby="checkout-note">Checkout</button>' in html
    assert "Log in or sign up, then pay securely with Stripe" in html


# --- coupons in the cart ---------------------------------------------------------------------


def test_applying_a_coupon_shows_the_discount_per_line_and_in_the_total(client):
    # given two courses in the cart and a 20 % code
    add(client, CourseFactory(price_amount=5000))
    add(client, CourseFactory(price_amount=3000))
    CouponFactory(code="SPRING20", percent_off=20)
    # when the visitor types it in lower case
    response = client.post(reverse("commerce:cart_coupon_apply"), {"code": "spring20"})
    # then the cart shows 20 % off each line and in the summary
    assert response.url == CART_URL
    page = client.get(CART_URL)
    html = page.content.decode()
    quote = page.context["quote"]
    assert COUPON_APPLIED.format(code="SPRING20") in messages_of(page)
    assert [line.discount_amount for line in quote.lines] == [1000, 600]
    assert (quote.subtotal_amount, quote.discount_amount, quote.total_amount) == (8000, 1600, 6400)
    assert "<dd data-discount>−$16.00</dd>" in html
    assert "<dd data-total>$64.00</dd>" in html
    assert "−$10.00" in html
    assert "−$6.00" in html
    assert "20% off" in html


def test_a_refused_coupon_shows_its_reason_next_to_the_field(client):
    add(client, CourseFactory(price_amount=4900))
    response = client.post(reverse("commerce:cart_coupon_apply"), {"code": "bogus"})
    html = response.content.decode()
    assert response.status_code == 200
    assert escape(COUPON_UNKNOWN.format(code="BOGUS")) in html
    assert 'aria-invalid="true"' in html
    assert 'value="bogus"' in html
    assert response.context["quote"].discount_amount == 0


def test_a_minimum_order_refusal_names_the_amount(client):
    add(client, CourseFactory(price_amount=4900))
    CouponFactory(code="BIG", min_order_amount=10_000)
    response = client.post(reverse("commerce:cart_coupon_apply"), {"code": "BIG"})
    expected = COUPON_MIN_ORDER.format(code="BIG", minimum="$100.00", subtotal="$49.00")
    assert escape(expected) in response.content.decode()


def test_a_coupon_without_a_cart_asks_for_items_first_and_creates_nothing(client):
    CouponFactory(code="TEN")
    response = client.post(reverse("commerce:cart_coupon_apply"), {"code": "TEN"})
    assert COUPON_EMPTY_CART in messages_of(client.get(response.url))
    assert not Cart.objects.exists()


def test_removing_the_coupon_restores_the_full_price(client):
    add(client, CourseFactory(price_amount=4900))
    CouponFactory(code="TEN")
    client.post(reverse("commerce:cart_coupon_apply"), {"code": "TEN"})
    response = client.post(reverse("commerce:cart_coupon_remove"))
    page = client.get(response.url)
    assert COUPON_REMOVED in messages_of(page)
    assert page.context["quote"].discount_amount == 0
    assert Cart.objects.get().coupon is None


def test_a_coupon_that_lapses_after_being_applied_stops_discounting_and_says_why(client):
    # given a cart with a code applied
    add(client, CourseFactory(price_amount=4900))
    coupon = CouponFactory(code="SHORT", valid_until=future(days=1))
    client.post(reverse("commerce:cart_coupon_apply"), {"code": "SHORT"})
    # when the code expires
    coupon.valid_from, coupon.valid_until = past(days=3), past(minutes=1)
    coupon.save()
    # then the cart shows the full price and the reason
    page = cart_page(client)
    assert page.context["quote"].discount_amount == 0
    assert escape(COUPON_EXPIRED.format(code="SHORT", end=coupon_date(coupon.valid_until))) in page.content.decode()


def test_coupon_attempts_are_rate_limited_with_the_friendly_page(client):
    # given a visitor guessing codes
    add(client, CourseFactory())
    for attempt in range(10):
        assert client.post(reverse("commerce:cart_coupon_apply"), {"code": f"GUESS{attempt}"}).status_code == 200
    # when they try an 11th time within the minute
    response = client.post(reverse("commerce:cart_coupon_apply"), {"code": "GUESS11"})
    # then they get the site's 429 page
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "errors/429.html" in [template.name for template in response.templates]


def test_the_coupon_limit_counts_per_account_across_addresses(client):
    user = UserFactory()
    client.force_login(user)
    add(client, CourseFactory())
    url = reverse("commerce:cart_coupon_apply")
    for attempt in range(10):
        client.post(url, {"code": f"X{attempt}"}, REMOTE_ADDR=f"10.0.0.{attempt}")
    assert client.post(url, {"code": "X"}, REMOTE_ADDR="10.0.0.99").status_code == 429


# --- the server decides prices ---------------------------------------------------------------


def test_tampered_price_fields_change_nothing(client):
    # given a 49.00 course and a 10 % code
    course = CourseFactory(price_amount=4900, currency="usd")
    CouponFactory(code="TEN", percent_off=10)
    tampered = {"price": "1", "amount": "1", "unit_amount": "1", "discount": "4899", "currency": "jpy", "total": "0"}
    # when every form is posted with made-up money fields
    add(client, course, **tampered)
    client.post(reverse("commerce:cart_coupon_apply"), {"code": "TEN", **tampered})
    # then the cart is priced from the database alone
    quote = cart_page(client).context["quote"]
    assert quote.currency == "usd"
    assert (quote.subtotal_amount, quote.discount_amount, quote.total_amount) == (4900, 490, 4410)


# --- CSRF ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("commerce:cart_add", {}),
        ("commerce:cart_remove", {"item_id": 1}),
        ("commerce:cart_coupon_apply", {}),
        ("commerce:cart_coupon_remove", {}),
        ("commerce:wishlist_add", {}),
        ("commerce:wishlist_remove", {"item_id": 1}),
        ("commerce:wishlist_move_to_cart", {"item_id": 1}),
    ],
)
def test_every_form_needs_a_csrf_token(name, kwargs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(reverse(name, kwargs=kwargs), {"kind": "course", "ref": "1", "code": "X"})
    assert response.status_code == 403


def test_forms_on_the_cart_page_carry_the_csrf_token(client):
    add(client, CourseFactory())
    html = cart_page(client).content.decode()
    assert html.count('name="csrfmiddlewaretoken"') >= 2


# --- merging at login ------------------------------------------------------------------------


def test_the_visitors_cart_merges_into_the_account_at_login(client):
    # given a customer who already has one course in their cart and owns another
    user = UserFactory()
    in_account, owned, fresh = CourseFactory(), CourseFactory(title="Owned one"), CourseFactory()
    EnrollmentFactory(user=user, course=owned)
    CartItemFactory(cart=CartFactory(user=user), ref=str(in_account.pk))
    # and who, logged out, adds the same course, the owned one and a new one
    for course in (in_account, owned, fresh):
        add(client, course)
    # when they log in
    client.force_login(user)
    # then their cart holds each course once and not the owned one, and the visitor cart is gone
    refs = list(user_cart(user).items.values_list("ref", flat=True))
    assert sorted(refs) == sorted([str(in_account.pk), str(fresh.pk)])
    assert Cart.objects.filter(user__isnull=True).count() == 0


def test_merging_keeps_the_customers_own_coupon():
    user = UserFactory()
    mine, theirs = CouponFactory(code="MINE"), CouponFactory(code="VISITOR")
    CartFactory(user=user, coupon=mine)
    client = Client()
    add(client, CourseFactory())
    client.post(reverse("commerce:cart_coupon_apply"), {"code": "VISITOR"})
    assert Cart.objects.get(user__isnull=True).coupon == theirs
    client.force_login(user)
    assert user_cart(user).coupon == mine


def test_merging_adopts_the_visitors_coupon_when_the_customer_had_none():
    user = UserFactory()
    coupon = CouponFactory(code="VISITOR")
    client = Client()
    add(client, CourseFactory())
    client.post(reverse("commerce:cart_coupon_apply"), {"code": "VISITOR"})
    client.force_login(user)
    assert user_cart(user).coupon == coupon


def test_logging_in_through_the_login_form_merges_and_says_what_happened(client):
    # given a visitor with a new course and one they already own in their cart
    user = VerifiedUserFactory()
    owned = CourseFactory(title="Owned one")
    EnrollmentFactory(user=user, course=owned)
    add(client, CourseFactory())
    add(client, owned)
    client.get(CART_URL)  # read the "added" messages
    # when they log in with the form
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    # then the new course is in their cart and they are told about both
    assert response.status_code == 302
    assert user_cart(user).items.count() == 1
    shown = messages_of(cart_page(client))
    assert MERGE_ADDED.format(count=1, plural="") in shown
    assert MERGE_SKIPPED.format(title="Owned one", reason=COURSE_ALREADY_OWNED) in shown


def test_logging_in_without_a_visitor_cart_creates_nothing(client):
    user = UserFactory()
    client.force_login(user)
    assert not Cart.objects.exists()


# --- the header count ------------------------------------------------------------------------


def test_the_header_shows_the_cart_count(client):
    add(client, CourseFactory())
    add(client, CourseFactory())
    html = client.get(reverse("courses:catalogue")).content.decode()
    assert 'data-cart-count="2"' in html
    assert '<span class="header-cart__count">2</span>' in html


def test_the_header_count_costs_one_query_at_most(client, rf):
    from commerce.context_processors import cart_summary

    user = UserFactory()
    CartItemFactory(cart=CartFactory(user=user), ref=str(CourseFactory().pk))
    request = rf.get("/")
    request.user = user
    request.session = {}
    with CaptureQueriesContext(connection) as captured:
        assert cart_summary(request)["cart_summary"].count == 1
    assert len(captured) == 1


def test_a_new_visitor_costs_no_query_for_the_header(rf):
    from django.contrib.auth.models import AnonymousUser

    from commerce.context_processors import cart_summary

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    with CaptureQueriesContext(connection) as captured:
        assert cart_summary(request)["cart_summary"].count == 0
    assert len(captured) == 0
