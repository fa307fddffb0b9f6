"""Paying for a coaching contract in a real browser (Debian Chromium), against the Stripe emulator.

The student finds the accepted contract in "My coaching", reads its summary and what happens next,
goes to Stripe, has a card declined, leaves Stripe's page for the cancel page (still waiting, nothing
charged, retry), pays with 4242 on the same page and lands on the success page with next steps; the
coach is told (e-mail and a message in the thread) and sees the active contract. Each page is shot at
laptop (1280×800) and phone (390×844) widths into /tmp/shots-coach-pay/ to be looked at.
"""

import re
from pathlib import Path

import pytest

from coaching.models import Contract, Message
from coaching.tests.factories_pay import coach_make, contract_make
from innerwork.accounts.tests.factories import VerifiedUserFactory
from innerwork.core.models import OutboxEmail
from tests.e2e.test_checkout_journeys import (
    HOSTED_PAGE,
    assert_no_sideways_scroll,
    fill_card,
    log_in,
    pay_button,
    show_email,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-coach-pay")  # noqa: S108  (where the shots are looked at; nothing is read back)
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(page, name: str, *, widths=("laptop", "phone")) -> None:
    """The page at laptop and phone widths (never scrolling sideways), saved to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label in widths:
        page.set_viewport_size(VIEWPORTS[label])
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["laptop"])


@pytest.fixture
def contract(shop):
    """Ana (a coach) and Inès's accepted contract: 6 × 60 min over 12 weeks for $900, waiting for payment."""
    coach = coach_make(
        user=VerifiedUserFactory(
            full_name="Ana María López", email="ana.coach@example.com", time_zone="America/Mexico_City"
        )
    )
    return contract_make(coach=coach, student=shop["customer"])


def test_student_pays_after_a_declined_card_and_a_cancel_and_the_coach_is_told(page, shop, contract):
    base, customer, emulator = shop["base"], shop["customer"], shop["emulator"]
    detail = f"{base}/coaching/contracts/{contract.number}/"
    log_in(page, base, customer)

    # My coaching lists the contract, waiting for payment.
    page.goto(f"{base}/coaching/")
    row = page.locator(".contract-row", has_text="Lead with confidence")
    assert "Waiting for payment" in row.inner_text()
    shoot(page, "01-my-coaching")

    # Its page: the frozen terms, a Pay button and what happens next.
    row.locator("a.contract-row__title").click()
    page.wait_for_url(detail)
    assert "6 × 60 minutes" in page.inner_text(".session-summary")
    assert "$900.00" in page.inner_text("[data-price]")
    assert "Book your first session" in page.inner_text(".contract-steps")
    shoot(page, "02-contract-waiting")

    # Stripe's page: the bank declines the first card, and the student goes back to InnerWork.
    page.click("button:has-text('Pay $900.00')")
    page.wait_for_url(HOSTED_PAGE)
    stripe_page = page.url
    fill_card(page, "4000 0000 0000 0002")
    pay_button(page).click()
    assert page.get_by_test_id("payment-error").inner_text() == "Your card was declined."
    emulator.wait_for_webhooks()  # Stripe reports the decline while the student reads the error
    page.get_by_role("link", name="Back to InnerWork").click()

    # The cancel page: nothing charged, still waiting, what may have happened, retry or ask for help.
    page.wait_for_url(f"{detail}payment-canceled/")
    text = page.inner_text("main")
    assert "Nothing was charged" in text
    assert "waiting for payment" in text
    assert "Your card was declined" in text
    assert "Stripe said: “Your card was declined.”" in text
    assert page.locator("a[href^='mailto:']").count() == 1
    shoot(page, "03-payment-canceled")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.PENDING_PAYMENT

    # Retrying returns to the same Stripe page; 4242 pays it and the success page shows next steps.
    page.click("button:has-text('Try again')")
    page.wait_for_url(HOSTED_PAGE)
    assert page.url == stripe_page
    fill_card(page, "4242 4242 4242 4242", email=False)
    pay_button(page).click()
    page.wait_for_url(re.compile(rf"{re.escape(detail)}paid/\?session_id=cs_"))
    assert page.inner_text("h1") == "You're all set"
    assert "Book your first session" in page.inner_text(".contract-result__actions")
    shoot(page, "04-paid-next-steps")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    assert contract.ends_at is not None

    # The contract page now counts the sessions instead of asking for money.
    page.click("a:has-text('Book your first session')")
    page.wait_for_url(detail)
    assert page.inner_text("[data-credits-available]") == "6"
    assert page.locator("form[action$='/pay/']").count() == 0
    shoot(page, "05-contract-active")

    # The coach is told: an e-mail and an automatic message in the thread, once, whatever the webhook does.
    emulator.wait_for_webhooks()
    [to_coach] = OutboxEmail.objects.filter(kind="coaching/contract_paid", to=[contract.coach.user.email])
    assert to_coach.subject.startswith("Payment received")
    assert OutboxEmail.objects.filter(kind="coaching/contract_paid").count() == 2
    assert Message.objects.filter(inquiry=contract.proposal.inquiry, author=None).count() == 1
    show_email(page, to_coach.body_html)
    shoot(page, "06-email-to-coach")
    [to_student] = OutboxEmail.objects.filter(kind="coaching/contract_paid", to=[customer.email])
    show_email(page, to_student.body_html)
    shoot(page, "07-email-to-student")

    # The coach sees the active contract (and cannot pay it).
    page.context.clear_cookies()
    log_in(page, base, contract.coach.user)
    page.goto(detail)
    assert "Active" in page.inner_text(".status-badge")
    assert customer.get_full_name() in page.inner_text(".session-summary")
    shoot(page, "08-coach-sees-contract")
    assert page.goto(f"{detail}paid/").status == 404

    # Staff see the whole record in the console: terms, credits, the payment kept, the thread, the timeline.
    page.context.clear_cookies()
    log_in(page, base, VerifiedUserFactory(email="finance@innerwork.test", is_staff=True, is_superuser=True))
    page.goto(f"{base}/admin/coaching/contract/{contract.pk}/change/")
    text = page.inner_text("#content")
    assert "Kept: activated the contract" in text
    assert "0 used · 0 booked · 6 left of 6" in text
    shoot(page, "09-staff-console-contract", widths=("laptop",))  # the console is a desk tool
