"""A disputed payment, in a real browser (Debian Chromium): the customer pays with the card whose bank
disputes it (4000 0000 0000 0259); Finance sees the flagged order and its dispute in the staff console;
the bank decides for the cardholder, and the customer's order shows the dispute's outcome and the course
is closed. Laptop and phone screenshots under artifacts/screenshots/dispute_journey/."""

import pytest
import stripe
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from commerce.models import Dispute, Order
from courses.models import Enrollment
from innerwork.accounts.tests.factories import VerifiedUserFactory
from tests.e2e.test_checkout_journeys import HOSTED_PAGE, add_to_cart, fill_card, log_in, pay_button
from tests.e2e.test_staff_refund_journey import SCREENSHOTS, generate_totp_secret, staff_log_in, staff_roles_ensure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    """The page at laptop width, then at phone width; neither may scroll sideways."""
    folder = SCREENSHOTS / "dispute_journey"
    folder.mkdir(parents=True, exist_ok=True)
    for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)


def test_finance_sees_a_disputed_order_and_a_lost_dispute_closes_the_course(page, browser, shop, settings):
    base, emulator, customer = shop["base"], shop["emulator"], shop["customer"]
    settings.STAFF_MFA_REQUIRED = True
    staff_roles_ensure()
    finance = VerifiedUserFactory(email="fin@innerwork.test", full_name="Fin Ance", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    secret = generate_totp_secret()
    TOTP.activate(finance, secret)

    # The customer pays with the card whose bank will dispute the payment.
    log_in(page, base, customer)
    add_to_cart(page, base, shop["calm"])
    page.click(".cart-summary__checkout button:has-text('Checkout')")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4000 0000 0000 0259")
    pay_button(page).click()
    order = Order.objects.get(user=customer)
    page.wait_for_url(f"{base}/orders/{order.number}/")
    emulator.wait_for_webhooks()
    dispute = Dispute.objects.get(order=order)
    assert dispute.status == "needs_response"

    # Finance signs in and opens the disputed order from the disputes list.
    staff = browser.new_context(viewport=LAPTOP, locale="en-US").new_page()
    staff.set_default_timeout(15_000)
    staff_log_in(staff, base, finance, secret)
    staff.goto(f"{base}/admin/commerce/dispute/")
    assert staff.locator("#result_list tbody tr").count() == 1
    assert "Needs a response" in staff.inner_text("#result_list")
    shoot(staff, "01-staff-disputes-list")
    staff.click(f"#result_list a:has-text('{order.number}')")
    staff.wait_for_selector("[data-panel=disputes]")
    assert staff.get_attribute("[data-dispute]", "data-dispute-status") == "needs_response"
    assert "Needs review: Payment disputed by the card's bank" in staff.inner_text(".iw-head")
    assert "Your bank disputed this payment of $49.00" in staff.inner_text("[data-panel=timeline]")
    assert staff.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shoot(staff, "02-staff-order-disputed")

    # The bank decides for the cardholder.
    emulator.move_dispute(dispute.stripe_dispute_id, "lost")
    emulator.wait_for_webhooks()
    staff.reload()
    assert staff.get_attribute("[data-dispute]", "data-dispute-status") == "lost"
    assert "refund $49.00" in staff.inner_text("[data-panel=disputes]")
    assert staff.get_attribute("[data-refund]", "data-refund-status") == "succeeded"
    shoot(staff, "03-staff-order-dispute-lost")
    staff.context.close()

    # The customer's order says what happened, and the course is closed.
    page.goto(f"{base}/orders/{order.number}/")
    timeline = page.inner_text(".order-timeline")
    assert "Your bank disputed this payment of $49.00" in timeline
    assert "Your bank closed the dispute and returned the payment of $49.00 to you." in timeline
    assert page.inner_text(".order-status") == "Refunded"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shoot(page, "04-customer-order-dispute-lost")
    assert Enrollment.objects.get(user=customer, course=shop["calm"]).status == "refunded"
    with emulator.configure_stripe():
        assert stripe.Dispute.retrieve(dispute.stripe_dispute_id).status == "lost"
