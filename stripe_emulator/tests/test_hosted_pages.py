"""The hosted Checkout page, 3-D Secure page, receipt and dashboard, driven in Debian Chromium."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from stripe_emulator import cards, errors, pricing
from stripe_emulator.testing import WebhookReceiver
from stripe_emulator.tests.factories import make_price

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop():
    """The merchant's site the customer returns to: any path answers with a page naming that path."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"<!doctype html><title>Shop</title><h1>Shop page {self.path}</h1>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def open_session(shop, **extra) -> stripe.checkout.Session:
    course = make_price(amount=4900, name="Mindful Leadership")
    workbook = make_price(amount=1250, name="Workbook")
    params = {
        "mode": "payment",
        "line_items": [{"price": course.id, "quantity": 1}, {"price": workbook.id, "quantity": 2}],
        "success_url": f"{shop}/orders/success?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{shop}/cart",
        **extra,
    }
    return stripe.checkout.Session.create(**params)


def fill_card(page, number: str, *, email: str | None = "ann@example.com", expiry="12 / 34", cvc="123") -> None:
    if email is not None:
        page.get_by_label("Email").fill(email)
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiration").fill(expiry)
    page.get_by_label("CVC").fill(cvc)
    page.get_by_label("Cardholder name").fill("Ann Lee")


def pay_button(page):
    return page.get_by_role("button", name=re.compile(r"^(Pay|Complete order)"))


def test_paying_with_4242_returns_to_the_success_url(emulator, shop, page):
    # given
    session = open_session(shop)
    page.goto(session.url)
    page.shot("checkout")

    # then the page shows what is bought
    assert page.get_by_test_id("amount-due").inner_text() == "$74.00"
    assert page.get_by_text("Mindful Leadership").is_visible()
    assert page.get_by_text("Qty 2, $12.50 each").is_visible()

    # when
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()

    # then
    page.wait_for_url(f"{shop}/orders/success?session_id={session.id}")
    page.shot("success")
    paid = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent.latest_charge"])
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert paid.customer_details.email == "ann@example.com"
    assert paid.payment_intent.latest_charge.payment_method_details.card.last4 == "4242"


def test_a_declined_card_stays_on_the_page_with_stripes_message_and_can_be_retried(emulator, shop, page):
    session = open_session(shop)
    page.goto(session.url)

    fill_card(page, "4000 0000 0000 0002")
    pay_button(page).click()

    alert = page.get_by_test_id("payment-error")
    assert alert.inner_text() == errors.CARD_DECLINED
    page.shot("declined")
    fill_card(page, "4242 4242 4242 4242", email=None)
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/orders/success"))
    assert stripe.checkout.Session.retrieve(session.id).payment_status == "paid"


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ("4000 0000 0000 9995", errors.INSUFFICIENT_FUNDS),
        ("4000 0000 0000 0069", errors.EXPIRED_CARD),
        ("4000 0000 0000 0127", errors.INCORRECT_CVC),
    ],
)
def test_each_declining_test_card_shows_its_message(emulator, shop, page, card, message):
    session = open_session(shop)
    page.goto(session.url)

    fill_card(page, card)
    pay_button(page).click()

    assert page.get_by_test_id("payment-error").inner_text() == message
    assert stripe.checkout.Session.retrieve(session.id).status == "open"


def test_3155_asks_for_3d_secure_and_completing_it_pays(emulator, shop, page):
    session = open_session(shop)
    page.goto(session.url)

    fill_card(page, "4000 0025 0000 3155")
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/c/3ds/pi_"))
    page.shot("3ds")
    page.get_by_role("button", name="Complete authentication").click()

    page.wait_for_url(re.compile(r"/orders/success"))
    charge = stripe.Charge.list().data[0]
    assert charge.payment_method_details.card.three_d_secure.result == "authenticated"


def test_3184_failed_authentication_returns_to_the_form_and_another_card_pays(emulator, shop, page):
    session = open_session(shop)
    page.goto(session.url)

    fill_card(page, "4000 0027 6000 3184")
    pay_button(page).click()
    page.get_by_role("button", name="Fail authentication").click()

    assert page.get_by_test_id("payment-error").inner_text() == errors.AUTHENTICATION_FAILED
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/orders/success"))


def test_typing_mistakes_are_shown_next_to_the_card_fields(emulator, shop, page):
    session = open_session(shop)
    page.goto(session.url)

    fill_card(page, "4242 4242 4242 4241", expiry="01 / 20")
    pay_button(page).click()

    assert page.get_by_text(cards.INVALID_NUMBER).is_visible()
    assert page.get_by_text(cards.EXPIRY_IN_PAST).is_visible()
    assert stripe.PaymentIntent.list().data == []


def test_the_back_link_goes_to_cancel_url(emulator, shop, page):
    session = open_session(shop)
    page.goto(session.url)

    page.get_by_role("link", name="Back to InnerWork").click()

    page.wait_for_url(f"{shop}/cart")
    assert stripe.checkout.Session.retrieve(session.id).status == "open"


def test_an_expired_session_says_so(emulator, shop, page):
    session = open_session(shop)
    stripe.checkout.Session.expire(session.id)

    page.goto(session.url)

    assert page.get_by_role("heading", name="This checkout session has expired").is_visible()
    page.shot("expired")
    page.get_by_role("link", name="Return to InnerWork").click()
    page.wait_for_url(f"{shop}/cart")


def test_a_completed_session_says_so_and_links_to_success(emulator, shop, page):
    session = open_session(shop)
    emulator.pay_checkout_session(session.id)

    page.goto(session.url)

    assert page.get_by_role("heading", name="Thanks for your payment").is_visible()
    assert page.get_by_text("already complete").is_visible()
    page.get_by_role("link", name="Continue to InnerWork").click()
    page.wait_for_url(re.compile(r"/orders/success"))


def test_a_fully_discounted_session_needs_no_card(emulator, shop, page):
    coupon = stripe.Coupon.create(percent_off=100, name="Scholarship")
    session = open_session(shop, discounts=[{"coupon": coupon.id}])
    page.goto(session.url)

    assert page.get_by_label("Card number").count() == 0
    page.shot("free")
    page.get_by_label("Email").fill("free@example.com")
    pay_button(page).click()

    page.wait_for_url(re.compile(r"/orders/success"))
    assert stripe.checkout.Session.retrieve(session.id).payment_status == "no_payment_required"


def test_a_promotion_code_typed_on_the_page_is_applied(emulator, shop, page):
    coupon = stripe.Coupon.create(percent_off=10)
    stripe.PromotionCode.create(promotion={"type": "coupon", "coupon": coupon.id}, code="SPRING10")
    session = open_session(shop, allow_promotion_codes=True)
    page.goto(session.url)

    page.get_by_label("Promotion code").fill("NOPE")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_text(pricing.PROMO_INVALID).is_visible()
    page.get_by_label("Promotion code").fill("spring10")
    page.get_by_role("button", name="Apply").click()

    assert page.get_by_test_id("discount").inner_text() == "-$7.40"
    assert page.get_by_test_id("amount-due").inner_text() == "$66.60"
    page.shot("promotion-code")
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/orders/success"))
    paid = stripe.checkout.Session.retrieve(session.id)
    assert (paid.amount_total, paid.total_details.amount_discount) == (6660, 740)


def test_the_page_works_on_a_phone(emulator, shop, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="en-US")
    page = context.new_page()
    session = open_session(shop)
    page.goto(session.url)

    fill_card(page, "4242 4242 4242 4242")
    page.screenshot(path=str(_screenshot_path("phone-checkout")), full_page=True)
    box = pay_button(page).bounding_box()
    assert box["width"] <= 390
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/orders/success"))
    context.close()


def _screenshot_path(name: str):
    from conftest import SCREENSHOT_DIR

    folder = SCREENSHOT_DIR / "stripe_emulator"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


def test_the_receipt_shows_the_payment(emulator, shop, page):
    session = open_session(shop)
    emulator.pay_checkout_session(session.id, email="ann@example.com")
    charge = stripe.Charge.list().data[0]

    page.goto(charge.receipt_url)

    assert page.get_by_role("heading", name="Receipt from InnerWork").is_visible()
    assert page.get_by_text("$74.00").is_visible()
    assert page.get_by_text("VISA – 4242").is_visible()


def test_the_dashboard_lists_what_happened_and_resends_an_event(emulator, shop, page):
    with WebhookReceiver() as receiver:
        stripe.WebhookEndpoint.create(url=receiver.url, enabled_events=["checkout.session.completed"])
        session = open_session(shop)
        emulator.pay_checkout_session(session.id)
        receiver.wait_for(1)

        page.goto(f"{emulator.url}/_emulator/")
        page.shot("dashboard")
        assert page.get_by_role("heading", name="Checkout Sessions").is_visible()
        assert page.get_by_text("checkout.session.completed").first.is_visible()
        row = page.get_by_role("row").filter(has_text="checkout.session.completed").filter(has_text="evt_")
        row.first.get_by_role("button", name="Resend").click()

        receiver.wait_for(2)
    assert receiver.events()[0]["id"] == receiver.events()[1]["id"]


def test_the_dashboard_refunds_a_payment_like_stripes_dashboard(emulator, shop, page):
    session = open_session(shop)
    emulator.pay_checkout_session(session.id)
    page.goto(f"{emulator.url}/_emulator/")

    page.get_by_role("row").filter(has_text="succeeded").get_by_role("button", name="Refund").click()

    page.wait_for_url(f"{emulator.url}/_emulator/")
    charge = stripe.Charge.list().data[0]
    assert (charge.refunded, charge.amount_refunded) == (True, 7400)
    assert page.get_by_role("row").filter(has_text="requested_by_customer").count() == 1


def test_the_dashboard_moves_a_dispute_as_the_bank_decides(emulator, shop, page):
    session = open_session(shop)
    emulator.pay_checkout_session(session.id, card="4000000000000259")
    page.goto(f"{emulator.url}/_emulator/")
    row = page.get_by_role("row").filter(has_text="dp_")
    assert row.get_by_role("button", name="Refund").count() == 0  # a disputed charge cannot be refunded

    row.get_by_role("button", name="Review").click()
    page.wait_for_url(f"{emulator.url}/_emulator/")
    page.shot("dashboard-dispute")
    page.get_by_role("row").filter(has_text="dp_").get_by_role("button", name="Lost").click()

    page.wait_for_url(f"{emulator.url}/_emulator/")
    dispute = stripe.Dispute.list().data[0]
    assert dispute.status == "lost"
    assert page.get_by_role("row").filter(has_text="dp_").get_by_role("button").count() == 0
    assert [e.type for e in stripe.Event.list(limit=3).data][:2] == ["charge.dispute.closed", "charge.dispute.updated"]
